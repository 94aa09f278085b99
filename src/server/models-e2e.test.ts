import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import { defaultRegistryDir, ModelRegistry, type AuditEntry, type ModelDetail } from '../ml/registry/index.js';
import { fakeRegisterRequest, writeFakeArtifact } from '../ml/registry/test-support.js';
import { builtBinPath, getJson } from './test-support.js';

const run = promisify(execFile);
const TOKEN = 'models-e2e-token-0123456789';

async function vigil(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [builtBinPath(), ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('end to end: models registered beside a running server, promoted and listed with the built CLI', () => {
  let dataDir: string;
  let registry: ModelRegistry;
  let artifact: string;
  let server: SpawnedServer;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-models-e2e-'));
    // Registered before the server starts, as `vigil train` would.
    registry = new ModelRegistry({ root: defaultRegistryDir(dataDir) });
    artifact = await writeFakeArtifact(join(dataDir, 'trained'), { weightBytes: 4096 });
    for (const loss of [0.05, 0.03, 0.02]) await registry.register(fakeRegisterRequest('checkout-latency', artifact, { creator: 'trainer', metrics: { finalLoss: loss, samplesPerS: 1500 } }));
    server = await spawnServer({ binPath: builtBinPath(), dataDir, configYaml: `http:\n  authToken: ${TOKEN}\n` });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('promotes over HTTP with the token, lists the aliases, rolls back, and records every change in the audit log', async () => {
    const target = ['--url', server.url, '--token', TOKEN];
    const refused = await vigil(['models', 'promote', 'checkout-latency', '2', '--url', server.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('vigil: cannot authorize request: missing or wrong bearer token (HTTP 401)\n');

    const first = await vigil(['models', 'promote', 'checkout-latency', '2', ...target]);
    expect(first).toMatchObject({ code: 0, stdout: 'checkout-latency production promoted: version none -> 2\n' });
    expect((await vigil(['models', 'promote', 'checkout-latency', '3', ...target])).stdout).toBe('checkout-latency production promoted: version 2 -> 3\n');
    expect((await vigil(['models', 'promote', 'checkout-latency', '3', '--to', 'staging', ...target])).code).toBe(0);

    // A new version registered while the server runs (another process writing the same directory) shows up at once.
    await registry.register(fakeRegisterRequest('checkout-latency', artifact, { creator: 'trainer', metrics: { finalLoss: 0.015 } }));

    const list = await vigil(['models', 'list', '--url', server.url]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+LATEST\s+KIND\s+CREATED\s+CREATOR\s+STAGING\s+PRODUCTION\s+METRICS$/);
    expect(lines[1]).toMatch(/^checkout-latency\s+4\s+lstm-forecaster\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+trainer\s+3\s+3\s+finalLoss=0\.015$/);

    const rolledBack = await vigil(['models', 'rollback', 'checkout-latency', ...target]);
    expect(rolledBack).toMatchObject({ code: 0, stdout: 'checkout-latency production rolled back: version 3 -> 2\n' });
    const shown = await vigil(['models', 'show', 'checkout-latency', 'production', '--url', server.url]);
    expect(shown.stdout).toMatch(/^checkout-latency version 2 \(production\)\n/);
    expect(shown.stdout).toMatch(/artifact: +2 files, 4\.\d KiB/);

    const missing = await vigil(['models', 'promote', 'checkout-latency', '7', ...target]);
    expect(missing).toMatchObject({ code: 1, stderr: 'vigil: cannot promote model checkout-latency: version 7 does not exist (versions 1-4) (HTTP 404)\n' });
    const badAlias = await vigil(['models', 'promote', 'checkout-latency', '1', '--to', 'prod', ...target]);
    expect(badAlias.code).not.toBe(0);
    expect(badAlias.stderr).toContain("argument 'prod' is invalid. Allowed choices are staging, production.");

    // The audit log on disk: one fsync'd JSON line per change, the server's actor for HTTP changes.
    const onDisk = (await readFile(join(dataDir, 'models', 'audit.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(onDisk.map((e) => [e.actor, e.action, e.alias, e.fromVersion, e.toVersion])).toEqual([
      ['trainer', 'register', null, null, 1],
      ['trainer', 'register', null, null, 2],
      ['trainer', 'register', null, null, 3],
      ['api', 'promote', 'production', null, 2],
      ['api', 'promote', 'production', 2, 3],
      ['api', 'promote', 'staging', null, 3],
      ['trainer', 'register', null, null, 4],
      ['api', 'rollback', 'production', 3, 2],
    ]);
    const audit = await vigil(['models', 'audit', '--model', 'checkout-latency', '--limit', '1', '--url', server.url]);
    expect(audit.stdout.trimEnd().split('\n')[1]).toMatch(/\s+api\s+rollback\s+checkout-latency\s+production\s+3 -> 2$/);
    expect((await getJson<ModelDetail>(`${server.url}/api/v1/models/checkout-latency`)).aliases).toEqual({ staging: 3, production: 2 });
  });
});
