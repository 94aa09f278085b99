import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import { builtBinPath } from './test-support.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('write endpoints with http.authToken set', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({ binPath: builtBinPath(), configYaml: `http:\n  authToken: ${TOKEN}\n` });
  });
  afterAll(async () => server?.stop());

  const post = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${server.url}/api/v1/points`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify([{ series: 'auth.test', timestampMs: Date.now(), value: 1 }]),
    });

  it('refuses a write without the bearer token, or with a wrong one', async () => {
    expect((await post({})).status).toBe(401);
    const wrong = await post({ authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).not.toContain(TOKEN);
  });

  it('accepts a write with the token, and reads need none', async () => {
    const ok = await post({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ accepted: 1, rejected: [] });
    expect((await fetch(`${server.url}/api/v1/series?match=auth.*`)).status).toBe(200);
  });
});
