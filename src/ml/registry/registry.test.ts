import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry, ModelRegistryError, type AuditEntry, type ModelAlias, type Rollout } from './index.js';
import { fakeRegisterRequest, writeFakeArtifact } from './test-support.js';

const run = promisify(execFile);
const NOW_MS = Date.UTC(2024, 5, 1, 12);

let dir: string;
let root: string;
let artifact: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-registry-'));
  root = join(dir, 'models');
  artifact = await writeFakeArtifact(join(dir, 'artifact'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function open(options: { lockTimeoutMs?: number } = {}): ModelRegistry {
  let tick = 0;
  // Each call one second later, so audit times are distinct and ordered.
  return new ModelRegistry({ root, clock: { nowMs: () => NOW_MS + 1000 * tick++ }, ...options });
}

async function auditLines(): Promise<AuditEntry[]> {
  const text = await readFile(join(root, 'audit.log'), 'utf8');
  return text.trim().split('\n').map((line) => JSON.parse(line) as AuditEntry);
}

async function rejection(promise: Promise<unknown>): Promise<ModelRegistryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelRegistryError);
    return err as ModelRegistryError;
  }
  throw new Error('expected a rejection');
}

/** A pid that no process has: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('ModelRegistry: versions', () => {
  it('numbers versions 1, 2, 3 per name and copies and checksums the artifact', async () => {
    const registry = open();
    // The temp file of an interrupted save is not part of the model.
    await writeFile(join(artifact, '.tmp-1-abc'), 'partial');
    const first = await registry.register(fakeRegisterRequest('checkout-latency', artifact));
    await registry.register(fakeRegisterRequest('checkout-latency', artifact, { metrics: { finalLoss: 0.01 } }));
    const other = await registry.register(fakeRegisterRequest('hdfs.deeplog_v2', await writeFakeArtifact(join(dir, 'deeplog'), { kind: 'deeplog' }), { kind: 'deeplog' }));
    const third = await registry.register(fakeRegisterRequest('checkout-latency', artifact, { creator: 'bob' }));
    expect([first.version, third.version, other.version]).toEqual([1, 3, 1]);
    expect(first).toMatchObject({ name: 'checkout-latency', kind: 'lstm-forecaster', creator: 'alice', createdAtMs: NOW_MS, trainingData: { source: 'shop.checkout.latency_p99_ms' }, metrics: { finalLoss: 0.0123 } });
    expect(first.artifact.files.map((f) => f.path)).toEqual(['model.json', 'weights.bin']);
    expect(first.artifact.files[1]).toMatchObject({ sizeBytes: 64 });
    expect(first.artifact.files[1]!.sha256).toMatch(/^[0-9a-f]{64}$/);

    const resolved = await registry.resolve('checkout-latency', 3);
    expect(resolved.artifactDir).toBe(join(root, 'checkout-latency', '3', 'artifact'));
    expect(await readFile(join(resolved.artifactDir, 'weights.bin'))).toEqual(await readFile(join(artifact, 'weights.bin')));
    expect(resolved.version).toMatchObject({ version: 3, creator: 'bob', aliases: [] });
    expect(existsSync(join(root, 'checkout-latency', '3', 'version.json'))).toBe(true);

    const models = await registry.listModels();
    expect(models.map((m) => [m.name, m.latestVersion, m.versionCount, m.latest.kind])).toEqual([
      ['checkout-latency', 3, 3, 'lstm-forecaster'],
      ['hdfs.deeplog_v2', 1, 1, 'deeplog'],
    ]);
    const detail = await registry.getModel('checkout-latency');
    expect(detail.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(detail.aliases).toEqual({ staging: null, production: null });
    expect(await registry.verify('checkout-latency', 1)).toEqual([]);
  });

  it('reads a registry written by another instance, and an empty or missing directory as no models', async () => {
    expect(await open().listModels()).toEqual([]);
    await open().register(fakeRegisterRequest('m', artifact));
    expect((await open().getVersion('m', 1)).version).toBe(1);
  });

  it('refuses bad names, bad metadata and bad artifacts with clear errors, leaving nothing behind', async () => {
    const registry = open();
    expect((await rejection(registry.register(fakeRegisterRequest('Checkout', artifact)))).message).toMatch(/^cannot register model "Checkout": a name is 1 to 128 characters of a-z/);
    expect((await rejection(registry.register(fakeRegisterRequest('x'.repeat(129), artifact)))).reason).toBe('invalid');
    expect((await rejection(registry.register(fakeRegisterRequest('audit', artifact)))).message).toContain('reserved');
    expect((await rejection(registry.register(fakeRegisterRequest('m', artifact, { kind: 'deeplog' })))).message).toBe('cannot register model "m": the artifact\'s model.json is a lstm-forecaster, not a deeplog');
    expect((await rejection(registry.register(fakeRegisterRequest('m', artifact, { metrics: { loss: Number.NaN } })))).message).toMatch(/^cannot register model "m": metrics\.loss: .*NaN/);
    expect((await rejection(registry.register(fakeRegisterRequest('m', join(dir, 'nowhere'))))).message).toMatch(/model\.json does not exist/);
    await rm(join(artifact, 'weights.bin'));
    expect((await rejection(registry.register(fakeRegisterRequest('m', artifact)))).message).toMatch(/weight file weights\.bin named in model\.json is missing/);
    await writeFile(join(artifact, 'model.json'), JSON.stringify({ format: 'layers-model' }));
    expect((await rejection(registry.register(fakeRegisterRequest('m', artifact)))).message).toMatch(/has format "layers-model", expected "vigil\/<kind>"/);
    expect(await registry.listModels()).toEqual([]);
    expect(existsSync(join(root, 'audit.log'))).toBe(false);
  });

  it('answers not_found for an unknown model or version, naming the versions there are', async () => {
    const registry = open();
    for (let i = 0; i < 3; i++) await registry.register(fakeRegisterRequest('checkout-latency', artifact));
    const missing = await rejection(registry.promote('checkout-latency', 7, 'production', 'alice'));
    expect(missing.message).toBe('cannot promote model checkout-latency: version 7 does not exist (versions 1-3)');
    expect(missing.reason).toBe('not_found');
    expect((await rejection(registry.getModel('nope'))).message).toBe('cannot show model nope: no such model');
    expect((await rejection(registry.getVersion('checkout-latency', 9))).message).toBe('cannot show model checkout-latency: version 9 does not exist (versions 1-3)');
    expect((await rejection(registry.resolve('checkout-latency', 'production'))).message).toBe('cannot resolve model checkout-latency: alias production points to no version yet (promote one first)');
  });
});

describe('ModelRegistry: aliases, rollback and the audit log', () => {
  it('promotes, resolves by alias, and rejects unknown aliases naming the valid ones', async () => {
    const registry = open();
    for (let i = 0; i < 3; i++) await registry.register(fakeRegisterRequest('m', artifact));
    expect(await registry.promote('m', 2, 'staging', 'carol')).toEqual({ model: 'm', alias: 'staging', fromVersion: null, toVersion: 2, changed: true });
    await registry.promote('m', 1, 'production', 'carol');
    expect((await registry.resolve('m', 'staging')).version).toMatchObject({ version: 2, aliases: ['staging'] });
    expect((await registry.getModel('m')).aliases).toEqual({ staging: 2, production: 1 });
    expect((await registry.listModels())[0]!.aliases).toEqual({ staging: 2, production: 1 });
    const unknown = await rejection(registry.promote('m', 1, 'prod' as ModelAlias, 'carol'));
    expect(unknown.message).toBe('cannot promote model m: unknown alias "prod" (use one of staging, production)');
    expect(unknown.reason).toBe('invalid');
    // Promoting to where the alias already points is a no-op, and not a change in the log.
    expect(await registry.promote('m', 1, 'production', 'carol')).toMatchObject({ fromVersion: 1, toVersion: 1, changed: false });
    expect((await auditLines()).filter((e) => e.action === 'promote')).toHaveLength(2);
  });

  it('rolls back through the promotion history, twice, then says there is nothing earlier', async () => {
    const registry = open();
    for (let i = 0; i < 3; i++) await registry.register(fakeRegisterRequest('m', artifact));
    await registry.promote('m', 1, 'production', 'alice');
    await registry.promote('m', 2, 'production', 'alice');
    await registry.promote('m', 3, 'staging', 'alice');
    await registry.promote('m', 3, 'production', 'bob');
    expect(await registry.rollback('m', 'production', 'carol')).toEqual({ model: 'm', alias: 'production', fromVersion: 3, toVersion: 2, changed: true });
    expect(await registry.rollback('m', 'production', 'carol')).toMatchObject({ fromVersion: 2, toVersion: 1 });
    const none = await rejection(registry.rollback('m', 'production', 'carol'));
    expect(none.message).toBe('cannot roll back model m: alias production has no earlier version to go back to');
    expect((await registry.getModel('m')).aliases).toEqual({ staging: 3, production: 1 });
    // Staging has its own history: one promotion from nothing, so nothing to go back to.
    expect((await rejection(registry.rollback('m', 'staging', 'carol'))).message).toContain('alias staging has no earlier version');
    // A promotion after rollbacks is undone by the next rollback.
    await registry.promote('m', 3, 'production', 'dave');
    expect(await registry.rollback('m', 'production', 'dave')).toMatchObject({ fromVersion: 3, toVersion: 1 });
    expect((await rejection(registry.rollback('m', 'unknown' as ModelAlias, 'x'))).message).toBe('cannot roll back model m: unknown alias "unknown" (use one of staging, production)');
  });

  it('appends one JSON line per change, with time, actor, action, model, version, alias, from and to', async () => {
    const registry = open();
    await registry.register(fakeRegisterRequest('m', artifact, { creator: 'trainer' }));
    await registry.register(fakeRegisterRequest('m', artifact, { creator: 'trainer' }));
    await registry.register(fakeRegisterRequest('other', artifact));
    await registry.promote('m', 1, 'production', 'alice');
    await registry.promote('m', 2, 'production', 'bob');
    await registry.rollback('m', 'production', 'carol');
    const lines = await auditLines();
    expect(lines.map(({ actor, action, model, version, alias, fromVersion, toVersion }) => ({ actor, action, model, version, alias, fromVersion, toVersion }))).toEqual([
      { actor: 'trainer', action: 'register', model: 'm', version: 1, alias: null, fromVersion: null, toVersion: 1 },
      { actor: 'trainer', action: 'register', model: 'm', version: 2, alias: null, fromVersion: null, toVersion: 2 },
      { actor: 'alice', action: 'register', model: 'other', version: 1, alias: null, fromVersion: null, toVersion: 1 },
      { actor: 'alice', action: 'promote', model: 'm', version: 1, alias: 'production', fromVersion: null, toVersion: 1 },
      { actor: 'bob', action: 'promote', model: 'm', version: 2, alias: 'production', fromVersion: 1, toVersion: 2 },
      { actor: 'carol', action: 'rollback', model: 'm', version: 1, alias: 'production', fromVersion: 2, toVersion: 1 },
    ]);
    expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
    expect(lines.map((l) => l.timeMs)).toEqual([...lines.map((l) => l.timeMs)].sort((a, b) => a - b));
    expect(lines.every((l) => l.timeMs >= NOW_MS)).toBe(true);
    expect((await registry.audit({ model: 'm' })).map((e) => e.action)).toEqual(['register', 'register', 'promote', 'promote', 'rollback']);
    expect((await registry.audit({ model: 'm', limit: 2 })).map((e) => e.actor)).toEqual(['bob', 'carol']);
    expect(existsSync(join(root, '.pending.json'))).toBe(false);
  });
});

describe('ModelRegistry: crashes and concurrency', () => {
  it('ignores the temp directory of a crashed register, removes it on the next register, and keeps numbering', async () => {
    const registry = open();
    await registry.register(fakeRegisterRequest('m', artifact));
    // A register killed mid-copy: its temp directory (with the dead writer's pid) and a half-written file.
    const leftover = join(root, 'm', `.tmp-${deadPid()}-abcdef012345`);
    await mkdir(join(leftover, 'artifact'), { recursive: true });
    await writeFile(join(leftover, 'artifact', 'weights.bin'), 'half');
    // And a version directory someone created by hand, without version.json: not a version.
    await mkdir(join(root, 'm', '5'));
    expect((await registry.getModel('m')).versions.map((v) => v.version)).toEqual([1]);
    expect((await registry.listModels()).map((m) => m.latestVersion)).toEqual([1]);

    expect((await registry.register(fakeRegisterRequest('m', artifact))).version).toBe(2);
    expect(existsSync(leftover)).toBe(false);
    expect((await readdir(join(root, 'm'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('finishes the audit entry of a change applied just before a crash, and drops one that was not applied', async () => {
    const registry = open();
    for (let i = 0; i < 2; i++) await registry.register(fakeRegisterRequest('m', artifact));
    // A promotion that crashed after writing aliases.json but before appending to the log.
    const applied: AuditEntry = { id: 'crashed-applied', timeMs: NOW_MS, actor: 'eve', action: 'promote', model: 'm', version: 2, alias: 'production', fromVersion: null, toVersion: 2 };
    await writeFile(join(root, 'm', 'aliases.json'), JSON.stringify({ format: 'vigil.model-aliases', formatVersion: 1, aliases: { staging: null, production: 2 }, lastChangeId: applied.id }));
    await writeFile(join(root, '.pending.json'), JSON.stringify({ format: 'vigil.registry-pending', formatVersion: 1, entry: applied }));
    // And a torn last line from a crash mid-append.
    await appendFile(join(root, 'audit.log'), '{"id":"torn","ti');
    await registry.promote('m', 1, 'staging', 'frank');
    const entries = await registry.audit();
    expect(entries.map((e) => e.id).slice(2, 3)).toEqual(['crashed-applied']);
    expect(entries.slice(3).map((e) => [e.actor, e.alias])).toEqual([['frank', 'staging']]);
    // The rollback history includes the recovered promotion.
    await registry.promote('m', 1, 'production', 'frank');
    expect(await registry.rollback('m', 'production', 'frank')).toMatchObject({ toVersion: 2 });

    // A promotion that crashed before changing aliases.json: it never happened, so it is not logged.
    const notApplied: AuditEntry = { ...applied, id: 'crashed-not-applied', version: 1, toVersion: 1 };
    await writeFile(join(root, '.pending.json'), JSON.stringify({ format: 'vigil.registry-pending', formatVersion: 1, entry: notApplied }));
    await registry.register(fakeRegisterRequest('m', artifact));
    expect((await registry.audit()).some((e) => e.id === 'crashed-not-applied')).toBe(false);
    expect(existsSync(join(root, '.pending.json'))).toBe(false);
    expect((await registry.getModel('m')).aliases.production).toBe(2);
  });

  it('gives two registry instances racing in one process distinct versions, losing no entry', async () => {
    const a = open();
    const b = open();
    const results = await Promise.all([...Array.from({ length: 6 }, () => a.register(fakeRegisterRequest('m', artifact))), ...Array.from({ length: 6 }, () => b.register(fakeRegisterRequest('m', artifact)))]);
    expect(results.map((r) => r.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect((await a.audit()).map((e) => e.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(existsSync(join(root, '.lock'))).toBe(false);
  });

  it('gives two processes registering at once distinct versions, losing no entry', async () => {
    const child = fileURLToPath(new URL('./testdata/register-child.ts', import.meta.url));
    const spawnChild = () => run(process.execPath, ['--import', 'tsx', child, root, artifact, 'shared', '4'], { timeout: 60_000 });
    const [one, two] = await Promise.all([spawnChild(), spawnChild(), open().register(fakeRegisterRequest('shared', artifact))]);
    const versions = [...(JSON.parse(one.stdout) as number[]), ...(JSON.parse(two.stdout) as number[])];
    expect(new Set(versions).size).toBe(8);
    const registry = open();
    expect((await registry.getModel('shared')).versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const audit = await registry.audit({ model: 'shared' });
    expect(audit.map((e) => e.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(audit.map((e) => e.actor)).size).toBe(3);
  });

  it('releases the lock when a change fails, and breaks a lock left by a dead process', async () => {
    const registry = open({ lockTimeoutMs: 500 });
    await registry.register(fakeRegisterRequest('m', artifact));
    await rejection(registry.promote('m', 7, 'production', 'alice'));
    await rejection(registry.rollback('m', 'production', 'alice'));
    expect(existsSync(join(root, '.lock'))).toBe(false);
    await writeFile(join(root, '.lock'), JSON.stringify({ pid: deadPid(), hostname: (await import('node:os')).hostname(), acquiredAtMs: NOW_MS, token: 'dead' }));
    expect(await registry.promote('m', 1, 'production', 'alice')).toMatchObject({ changed: true });
    expect(existsSync(join(root, '.lock'))).toBe(false);
  });

  it('waits for a live holder and then says who holds the lock', async () => {
    const registry = open({ lockTimeoutMs: 200 });
    await registry.register(fakeRegisterRequest('m', artifact));
    await writeFile(join(root, '.lock'), JSON.stringify({ pid: process.pid, hostname: (await import('node:os')).hostname(), acquiredAtMs: NOW_MS, token: 'live' }));
    const busy = await rejection(registry.promote('m', 1, 'production', 'alice'));
    expect(busy.reason).toBe('busy');
    expect(busy.message).toMatch(new RegExp(`^cannot lock model registry .*: held by pid ${process.pid} on .* since 2024-06-01T12:00:00.000Z for more than 200 ms; remove .*\\.lock if that process is gone$`));
    // Reads take no lock.
    expect((await registry.listModels()).map((m) => m.name)).toEqual(['m']);
  });

  it('finds a corrupted artifact file by its checksum', async () => {
    const registry = open();
    const { artifactDir } = await registry.resolve('m', (await registry.register(fakeRegisterRequest('m', artifact))).version);
    await writeFile(join(artifactDir, 'weights.bin'), 'flipped');
    expect(await registry.verify('m', 1)).toEqual(['weights.bin']);
  });
});

describe('ModelRegistry: rollout of the staging version', () => {
  async function threeVersions(registry: ModelRegistry): Promise<void> {
    for (let i = 0; i < 3; i++) await registry.register(fakeRegisterRequest('m', artifact));
  }

  it('sets shadow and canary for the staging version, answers changed:false when it already is, and shows it in listings and the deployment', async () => {
    const registry = open();
    await threeVersions(registry);
    await registry.promote('m', 1, 'production', 'alice');
    await registry.promote('m', 2, 'staging', 'alice');
    expect((await registry.getModel('m')).rollout).toEqual({ mode: 'off' });

    expect(await registry.setRollout('m', { mode: 'canary', share: 0.1 }, 'bob')).toEqual({ model: 'm', stagingVersion: 2, from: { mode: 'off' }, to: { mode: 'canary', share: 0.1 }, changed: true });
    expect((await registry.getModel('m')).rollout).toEqual({ mode: 'canary', share: 0.1 });
    expect((await registry.listModels())[0]!.rollout).toEqual({ mode: 'canary', share: 0.1 });
    const deployment = await registry.deployment('m');
    expect(deployment.name).toBe('m');
    expect(deployment.rollout).toEqual({ mode: 'canary', share: 0.1 });
    expect(deployment.production).toEqual(await registry.resolve('m', 'production'));
    expect(deployment.staging).toEqual(await registry.resolve('m', 'staging'));
    expect(deployment.staging!.version).toMatchObject({ version: 2, aliases: ['staging'] });
    expect(deployment.staging!.artifactDir).toBe(join(root, 'm', '2', 'artifact'));

    const logged = (await auditLines()).length;
    expect(await registry.setRollout('m', { mode: 'canary', share: 0.1 }, 'bob')).toMatchObject({ from: { mode: 'canary', share: 0.1 }, changed: false });
    expect((await auditLines()).length).toBe(logged);
    expect(await registry.setRollout('m', { mode: 'canary', share: 0.25 }, 'bob')).toMatchObject({ from: { mode: 'canary', share: 0.1 }, to: { mode: 'canary', share: 0.25 }, changed: true });
    expect(await registry.setRollout('m', { mode: 'shadow' }, 'bob')).toMatchObject({ from: { mode: 'canary', share: 0.25 }, to: { mode: 'shadow' }, changed: true });
    expect(await registry.setRollout('m', { mode: 'off' }, 'bob')).toMatchObject({ from: { mode: 'shadow' }, to: { mode: 'off' }, changed: true });
    expect(await registry.setRollout('m', { mode: 'off' }, 'bob')).toMatchObject({ changed: false });
    expect((await registry.deployment('m')).rollout).toEqual({ mode: 'off' });
    expect(JSON.parse(await readFile(join(root, 'm', 'aliases.json'), 'utf8'))).not.toHaveProperty('rollout');
  });

  it('reads as off once staging moves to another version, without writing anything, and comes back with that version', async () => {
    const registry = open();
    await threeVersions(registry);
    await registry.promote('m', 1, 'staging', 'alice');
    await registry.promote('m', 2, 'staging', 'alice');
    await registry.setRollout('m', { mode: 'shadow' }, 'alice');
    const token = await registry.changeToken();
    await registry.promote('m', 3, 'staging', 'alice');
    expect((await registry.getModel('m')).rollout).toEqual({ mode: 'off' });
    expect((await registry.listModels())[0]!.rollout).toEqual({ mode: 'off' });
    expect(await registry.deployment('m')).toMatchObject({ production: null, staging: { version: { version: 3 } }, rollout: { mode: 'off' } });
    // The promotion is the only change logged: the rollout lapsed, it was not turned off.
    expect((await auditLines()).slice(-2).map((e) => e.action)).toEqual(['rollout', 'promote']);
    expect(await registry.changeToken()).not.toBe(token);
    // Canary for v3 starts from off.
    expect(await registry.setRollout('m', { mode: 'canary', share: 0.5 }, 'alice')).toMatchObject({ stagingVersion: 3, from: { mode: 'off' }, changed: true });
    // Only the latest rollout is stored: staging back on 2 reads as off (2's shadow was replaced by 3's canary).
    await registry.rollback('m', 'staging', 'alice');
    expect((await registry.getModel('m')).aliases.staging).toBe(2);
    expect((await registry.getModel('m')).rollout).toEqual({ mode: 'off' });
    // Back to 3: its canary holds again, as it was never turned off.
    await registry.promote('m', 3, 'staging', 'alice');
    expect((await registry.getModel('m')).rollout).toEqual({ mode: 'canary', share: 0.5 });
  });

  it('refuses a rollout without a staging version, with nothing to compare, or with a bad mode or share', async () => {
    const registry = open();
    await threeVersions(registry);
    const unset = await rejection(registry.setRollout('m', { mode: 'shadow' }, 'a'));
    expect(unset.message).toBe('cannot roll out model m: alias staging is unset; promote a version to staging first');
    expect(unset.reason).toBe('invalid');
    expect((await rejection(registry.setRollout('m', { mode: 'off' }, 'a'))).message).toBe('cannot roll out model m: alias staging is unset, so nothing is rolled out');
    await registry.promote('m', 2, 'staging', 'a');
    await registry.promote('m', 2, 'production', 'a');
    expect((await rejection(registry.setRollout('m', { mode: 'canary', share: 0.1 }, 'a'))).message).toBe('cannot roll out model m: staging and production are both version 2; nothing to compare');
    await registry.promote('m', 3, 'staging', 'a');

    for (const share of [0, 1, 1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const bad = await rejection(registry.setRollout('m', { mode: 'canary', share }, 'a'));
      expect(bad.message).toMatch(/^cannot roll out model m: share must be a number between 0 and 1 exclusive \(e\.g\. 0\.1 or "10%"\), got /);
      expect([bad.reason, bad.field]).toEqual(['invalid', 'share']);
    }
    expect((await rejection(registry.setRollout('m', { mode: 'canary' } as Rollout, 'a'))).message).toMatch(/^cannot roll out model m: canary needs a share/);
    const mode = await rejection(registry.setRollout('m', { mode: 'blue' } as unknown as Rollout, 'a'));
    expect(mode.message).toBe('cannot roll out model m: unknown rollout mode "blue" (use one of off, shadow, canary)');
    expect(mode.field).toBe('mode');
    expect((await rejection(registry.setRollout('m', { mode: 'shadow', share: 0.1 } as Rollout, 'a'))).message).toBe('cannot roll out model m: share is only for canary, not for mode shadow');
    const unknownModel = await rejection(registry.setRollout('nope', { mode: 'shadow' }, 'a'));
    expect([unknownModel.reason, unknownModel.message]).toEqual(['not_found', 'cannot roll out model nope: no such model']);
    expect((await auditLines()).some((e) => e.action === 'rollout')).toBe(false);
    expect(existsSync(join(root, '.lock'))).toBe(false);
  });

  it('logs a rollout entry on the staging alias with the rollout after the change, which rollback ignores', async () => {
    const registry = open();
    await threeVersions(registry);
    await registry.promote('m', 1, 'staging', 'alice');
    await registry.promote('m', 2, 'staging', 'alice');
    await registry.setRollout('m', { mode: 'canary', share: 0.1 }, 'carol');
    await registry.setRollout('m', { mode: 'off' }, 'dave');
    const [canary, off] = (await auditLines()).slice(-2);
    expect(canary).toEqual({ id: expect.any(String), timeMs: expect.any(Number), actor: 'carol', action: 'rollout', model: 'm', version: 2, alias: 'staging', fromVersion: 2, toVersion: 2, rollout: { mode: 'canary', share: 0.1 } });
    expect(off).toMatchObject({ actor: 'dave', action: 'rollout', alias: 'staging', version: 2, rollout: { mode: 'off' } });
    expect((await registry.audit({ model: 'm', limit: 2 })).map((e) => e.rollout)).toEqual([{ mode: 'canary', share: 0.1 }, { mode: 'off' }]);
    expect((await registry.audit()).filter((e) => e.action !== 'rollout').every((e) => !('rollout' in e))).toBe(true);
    // Rollout entries are not promotions: rolling staging back goes to 1, not to 2.
    expect(await registry.rollback('m', 'staging', 'erin')).toMatchObject({ fromVersion: 2, toVersion: 1 });
  });

  it('finishes the audit entry of a rollout applied just before a crash', async () => {
    const registry = open();
    await threeVersions(registry);
    await registry.promote('m', 2, 'staging', 'alice');
    const applied: AuditEntry = { id: 'crashed-rollout', timeMs: NOW_MS, actor: 'eve', action: 'rollout', model: 'm', version: 2, alias: 'staging', fromVersion: 2, toVersion: 2, rollout: { mode: 'shadow' } };
    const aliases = JSON.parse(await readFile(join(root, 'm', 'aliases.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(root, 'm', 'aliases.json'), JSON.stringify({ ...aliases, rollout: { version: 2, mode: 'shadow' }, lastChangeId: applied.id }));
    await writeFile(join(root, '.pending.json'), JSON.stringify({ format: 'vigil.registry-pending', formatVersion: 1, entry: applied }));
    expect(await registry.setRollout('m', { mode: 'shadow' }, 'frank')).toMatchObject({ changed: false });
    expect((await registry.audit()).slice(-1)).toEqual([applied]);
  });

  it('reads aliases.json and audit.log written before rollouts existed', async () => {
    const registry = open();
    await threeVersions(registry);
    await writeFile(join(root, 'm', 'aliases.json'), JSON.stringify({ format: 'vigil.model-aliases', formatVersion: 1, aliases: { staging: 2, production: 1 }, lastChangeId: 'old' }));
    await appendFile(join(root, 'audit.log'), `${JSON.stringify({ id: 'old', timeMs: NOW_MS, actor: 'x', action: 'promote', model: 'm', version: 2, alias: 'staging', fromVersion: null, toVersion: 2 })}\n`);
    expect((await registry.getModel('m')).rollout).toEqual({ mode: 'off' });
    expect((await registry.deployment('m')).rollout).toEqual({ mode: 'off' });
    expect((await registry.audit()).map((e) => e.id).slice(-1)).toEqual(['old']);
    await registry.setRollout('m', { mode: 'shadow' }, 'x');
    expect(JSON.parse(await readFile(join(root, 'm', 'aliases.json'), 'utf8'))).toMatchObject({ aliases: { staging: 2, production: 1 }, rollout: { version: 2, mode: 'shadow' } });
    // A rollout field on another action, or a rollout entry without one, is not an entry.
    await appendFile(join(root, 'audit.log'), `${JSON.stringify({ id: 'bad1', timeMs: NOW_MS, actor: 'x', action: 'promote', model: 'm', version: 2, alias: 'staging', fromVersion: null, toVersion: 2, rollout: { mode: 'off' } })}\n`);
    await appendFile(join(root, 'audit.log'), `${JSON.stringify({ id: 'bad2', timeMs: NOW_MS, actor: 'x', action: 'rollout', model: 'm', version: 2, alias: 'staging', fromVersion: 2, toVersion: 2 })}\n`);
    expect((await registry.audit()).some((e) => e.id.startsWith('bad'))).toBe(false);
  });

  it('gives the deployment of a model without aliases, and not_found for an unknown model as resolve does', async () => {
    const registry = open();
    await threeVersions(registry);
    expect(await registry.deployment('m')).toEqual({ name: 'm', production: null, staging: null, rollout: { mode: 'off' } });
    const missing = await rejection(registry.deployment('nope'));
    const resolveMissing = await rejection(registry.resolve('nope', 'production'));
    expect([missing.reason, missing.message]).toEqual([resolveMissing.reason, resolveMissing.message]);
    expect(missing.reason).toBe('not_found');
    expect((await rejection(registry.deployment('Bad'))).reason).toBe('invalid');
  });

  it('changes the change token on every register, promote, rollback and rollout, and on nothing else', async () => {
    const registry = open();
    const empty = await registry.changeToken();
    expect(empty).toBe(await open().changeToken());
    await registry.listModels();
    expect(await registry.changeToken()).toBe(empty);

    const tokens = [empty];
    const expectChanged = async (): Promise<void> => {
      const token = await registry.changeToken();
      expect(tokens).not.toContain(token);
      tokens.push(token);
    };
    const expectUnchanged = async (): Promise<void> => {
      expect(await registry.changeToken()).toBe(tokens[tokens.length - 1]);
    };
    await registry.register(fakeRegisterRequest('m', artifact));
    await expectChanged();
    await registry.register(fakeRegisterRequest('m', artifact));
    await expectChanged();
    await registry.promote('m', 1, 'production', 'a');
    await expectChanged();
    await registry.promote('m', 2, 'production', 'a');
    await expectChanged();
    await registry.rollback('m', 'production', 'a');
    await expectChanged();
    await registry.promote('m', 2, 'staging', 'a');
    await expectChanged();
    await registry.setRollout('m', { mode: 'shadow' }, 'a');
    await expectChanged();
    await registry.setRollout('m', { mode: 'canary', share: 0.2 }, 'a');
    await expectChanged();

    // Reads, no-op changes and refused changes leave it as it is.
    await registry.listModels();
    await registry.getModel('m');
    await registry.getVersion('m', 'staging');
    await registry.resolve('m', 'production');
    await registry.deployment('m');
    await registry.verify('m', 1);
    await registry.audit();
    await registry.promote('m', 1, 'production', 'a');
    await registry.setRollout('m', { mode: 'canary', share: 0.2 }, 'a');
    await rejection(registry.setRollout('m', { mode: 'canary', share: 2 }, 'a'));
    await rejection(registry.promote('m', 9, 'production', 'a'));
    await expectUnchanged();
    // Another instance on the same directory sees the same token, and this one sees its changes.
    expect(await open().changeToken()).toBe(tokens[tokens.length - 1]);
    await open().setRollout('m', { mode: 'off' }, 'b');
    await expectChanged();
  });
});
