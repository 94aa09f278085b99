import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import { defaultRegistryDir, ModelRegistry, type AuditEntry, type ModelDetail, type RolloutChange } from '../ml/registry/index.js';
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

/** The CLI's default actor over HTTP: the OS user name of the process running it (this one's). */
function osUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
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

  it('promotes over HTTP with the token, lists the aliases, rolls back, rolls staging out, and records every change with the CLI\'s actor in the audit log', async () => {
    const target = ['--url', server.url, '--token', TOKEN];
    const refused = await vigil(['models', 'promote', 'checkout-latency', '2', '--url', server.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('vigil: cannot authorize request: missing or wrong bearer token (HTTP 401)\n');

    const first = await vigil(['models', 'promote', 'checkout-latency', '2', ...target, '--actor', 'release-bot']);
    expect(first).toMatchObject({ code: 0, stdout: 'checkout-latency production promoted: version none -> 2\n' });
    expect((await vigil(['models', 'promote', 'checkout-latency', '3', ...target])).stdout).toBe('checkout-latency production promoted: version 2 -> 3\n');
    expect((await vigil(['models', 'promote', 'checkout-latency', '3', '--to', 'staging', ...target])).code).toBe(0);
    const same = await vigil(['models', 'rollout', 'checkout-latency', 'shadow', ...target]);
    expect(same).toMatchObject({ code: 1, stderr: 'vigil: cannot roll out model checkout-latency: staging and production are both version 3; nothing to compare (HTTP 400)\n' });

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

    // Staging (3) now differs from production (2): roll it out as a canary, then in shadow.
    const canary = await vigil(['models', 'rollout', 'checkout-latency', 'canary', '--share', '10%', ...target, '--actor', 'carol']);
    expect(canary).toMatchObject({ code: 0, stdout: 'checkout-latency: staging v3 now canary on 10% of series (was off)\n' });
    expect((await getJson<ModelDetail>(`${server.url}/api/v1/models/checkout-latency`)).rollout).toEqual({ mode: 'canary', share: 0.1 });
    const shadow = await vigil(['models', 'rollout', 'checkout-latency', 'shadow', ...target, '--json']);
    expect(JSON.parse(shadow.stdout) as RolloutChange).toEqual({ model: 'checkout-latency', stagingVersion: 3, from: { mode: 'canary', share: 0.1 }, to: { mode: 'shadow' }, changed: true });
    const listed = await vigil(['models', 'list', '--url', server.url]);
    expect(listed.stdout.trimEnd().split('\n')[1]).toMatch(/\s+trainer\s+3 \(shadow\)\s+2\s+finalLoss=0\.015$/);
    const badShare = await vigil(['models', 'rollout', 'checkout-latency', 'canary', '--share', '1.5', ...target]);
    expect(badShare).toMatchObject({ code: 1, stderr: 'vigil: cannot roll out model checkout-latency: share must be a number between 0 and 1 exclusive (e.g. 0.1 or "10%"), got "1.5"\n' });
    const unknownModel = await vigil(['models', 'rollout', 'nope', 'shadow', ...target]);
    expect(unknownModel).toMatchObject({ code: 1, stderr: 'vigil: cannot roll out model nope: no such model (HTTP 404)\n' });

    // The audit log on disk: one fsync'd JSON line per change, with the actor the CLI sent (--actor, else the OS user).
    const onDisk = (await readFile(join(dataDir, 'models', 'audit.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEntry);
    const user = osUser();
    expect(onDisk.map((e) => [e.actor, e.action, e.alias, e.fromVersion, e.toVersion, e.rollout ?? null])).toEqual([
      ['trainer', 'register', null, null, 1, null],
      ['trainer', 'register', null, null, 2, null],
      ['trainer', 'register', null, null, 3, null],
      ['release-bot', 'promote', 'production', null, 2, null],
      [user, 'promote', 'production', 2, 3, null],
      [user, 'promote', 'staging', null, 3, null],
      ['trainer', 'register', null, null, 4, null],
      [user, 'rollback', 'production', 3, 2, null],
      ['carol', 'rollout', 'staging', 3, 3, { mode: 'canary', share: 0.1 }],
      [user, 'rollout', 'staging', 3, 3, { mode: 'shadow' }],
    ]);
    const audit = await vigil(['models', 'audit', '--model', 'checkout-latency', '--limit', '2', '--url', server.url]);
    const auditLines = audit.stdout.trimEnd().split('\n');
    expect(auditLines[1]).toMatch(/\s+carol\s+rollout\s+checkout-latency\s+staging\s+version 3 canary on 10% of series$/);
    expect(auditLines[2]!.split(/\s{2,}/).slice(1)).toEqual([user, 'rollout', 'checkout-latency', 'staging', 'version 3 shadow']);
    expect(await getJson<ModelDetail>(`${server.url}/api/v1/models/checkout-latency`)).toMatchObject({ aliases: { staging: 3, production: 2 }, rollout: { mode: 'shadow' } });
  });
});
