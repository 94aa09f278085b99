import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import type { OpsEvent } from '../model/index.js';
import { builtBinPath, getJson } from './test-support.js';

const TOKEN = 'events-e2e-token-0123456789';

describe('events through a real server', () => {
  let server: SpawnedServer | undefined;
  const configYaml = `http:\n  authToken: ${TOKEN}\n`;
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    server = await spawnServer({ binPath: builtBinPath(), configYaml });
  });
  afterAll(async () => server?.stop());

  it('stores events from both APIs, counts them, and keeps them across a restart', async () => {
    const nowMs = Date.now();
    expect((await fetch(`${server!.url}/api/v1/events`, { method: 'POST', body: '{"type":"deploy"}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const native = await fetch(`${server!.url}/api/v1/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify([{ id: 'e2e-deploy', type: 'deploy', service: 'api', version: '2.0.0', timestampMs: nowMs - 60_000 }, { type: 'deploy', service: 7 }]),
    });
    expect(await native.json()).toMatchObject({ accepted: 1, ids: ['e2e-deploy', null], rejected: [{ index: 1, field: 'service' }] });
    const graphite = await fetch(`${server!.url}/events/`, { method: 'POST', headers: auth, body: JSON.stringify({ what: 'flag flipped', tags: 'config service:api' }) });
    expect(graphite.status).toBe(200);

    const metrics = await (await fetch(`${server!.url}/metrics`)).text();
    expect(metrics).toContain('vigil_events_received_total{source="api",outcome="accepted"} 1');
    expect(metrics).toContain('vigil_events_received_total{source="api",outcome="rejected"} 1');
    expect(metrics).toContain('vigil_events_received_total{source="graphite",outcome="accepted"} 1');

    const { dataDir } = server!;
    await server!.stop({ keepData: true });
    server = await spawnServer({ binPath: builtBinPath(), configYaml, dataDir });
    const listed = await getJson<{ events: OpsEvent[] }>(`${server.url}/api/v1/events?service=api&from=-1h`);
    expect(listed.events.map((e) => [e.id, e.type, e.version])).toEqual([
      ['e2e-deploy', 'deploy', '2.0.0'],
      [expect.any(String), 'config', null],
    ]);
    const annotations = await getJson<{ what: string; tags: string[] }[]>(`${server.url}/events/get_data?from=-1h&until=now&tags=deploy`);
    expect(annotations).toEqual([{ when: (nowMs - 60_000) / 1000, what: 'deploy api 2.0.0', tags: ['deploy', 'service=api', 'version=2.0.0'], data: '', id: 'e2e-deploy' }]);
  });
});
