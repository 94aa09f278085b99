import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry, type AliasChange, type ModelVersionDetail } from '../ml/registry/index.js';
import { fakeRegisterRequest, writeFakeArtifact } from '../ml/registry/test-support.js';
import { vigilStdout } from './run-in-process.testsuite.js';

let dir: string;
let root: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-models-cli-'));
  root = join(dir, 'models');
  const registry = new ModelRegistry({ root, clock: { nowMs: () => Date.UTC(2024, 5, 1, 12) } });
  const artifact = await writeFakeArtifact(join(dir, 'artifact'));
  await registry.register(fakeRegisterRequest('checkout-latency', artifact, { metrics: { finalLoss: 0.012345, heldOutMae: 4.5, samplesPerS: 1200, epochs: 3 } }));
  await registry.register(fakeRegisterRequest('checkout-latency', artifact, { creator: 'bob' }));
  await registry.register(fakeRegisterRequest('hdfs-deeplog', await writeFakeArtifact(join(dir, 'deeplog'), { kind: 'deeplog' }), { kind: 'deeplog', metrics: {} }));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil models --registry (no server)', () => {
  it('lists models as a table', async () => {
    await vigilStdout(['models', 'promote', 'checkout-latency', '1', '--registry', root]);
    const lines = (await vigilStdout(['models', 'list', '--registry', root])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+LATEST\s+KIND\s+CREATED\s+CREATOR\s+STAGING\s+PRODUCTION\s+METRICS$/);
    expect(lines[1]).toMatch(/^checkout-latency\s+2\s+lstm-forecaster\s+2024-06-01 12:00:00Z\s+bob\s+-\s+1\s+finalLoss=0\.0123 heldOutMae=4\.5 samplesPerS=1200$/);
    expect(lines[2]).toMatch(/^hdfs-deeplog\s+1\s+deeplog\s+.*\s+alice\s+-\s+-\s+-$/);
  });

  it('shows a model, a version by number or alias, promotes, rolls back and prints the audit log', async () => {
    const promoted = await vigilStdout(['models', 'promote', 'checkout-latency', '1', '--to', 'staging', '--registry', root, '--actor', 'ci']);
    expect(promoted).toBe('checkout-latency staging promoted: version none -> 1\n');
    await vigilStdout(['models', 'promote', 'checkout-latency', '2', '--to', 'staging', '--registry', root, '--actor', 'ci']);
    const detail = (await vigilStdout(['models', 'show', 'checkout-latency', '--registry', root])).split('\n');
    expect(detail[0]).toBe('checkout-latency: 2 versions; staging -> 2, production -> none');
    expect(detail[2]).toMatch(/^2\s+lstm-forecaster\s+.*\s+bob\s+staging\s+finalLoss=/);
    expect(detail[3]).toMatch(/^1\s+lstm-forecaster\s+.*\s+alice\s+-\s+finalLoss=0\.01235 heldOutMae=4\.5 samplesPerS=1200 …$/);

    const version = await vigilStdout(['models', 'show', 'checkout-latency', 'staging', '--registry', root]);
    expect(version).toContain('checkout-latency version 2 (staging)\n');
    expect(version).toMatch(/training data: +shop\.checkout\.latency_p99_ms, 2024-01-01 00:00:00Z to 2024-01-08 00:00:00Z/);
    expect(version).toMatch(/ {2}weights\.bin {2}64 B {2}sha256 [0-9a-f]{64}\n/);
    const json = JSON.parse(await vigilStdout(['models', 'show', 'checkout-latency', '1', '--registry', root, '--json'])) as ModelVersionDetail;
    expect(json).toMatchObject({ version: 1, creator: 'alice', aliases: [] });

    const rolledBack = JSON.parse(await vigilStdout(['models', 'rollback', 'checkout-latency', '--alias', 'staging', '--registry', root, '--json'])) as AliasChange;
    expect(rolledBack).toEqual({ model: 'checkout-latency', alias: 'staging', fromVersion: 2, toVersion: 1, changed: true });
    const audit = (await vigilStdout(['models', 'audit', '--model', 'checkout-latency', '--registry', root])).trimEnd().split('\n');
    expect(audit.slice(1).map((l) => l.split(/\s{2,}/).slice(1))).toEqual([
      ['alice', 'register', 'checkout-latency', '-', 'version 1'],
      ['bob', 'register', 'checkout-latency', '-', 'version 2'],
      ['ci', 'promote', 'checkout-latency', 'staging', 'none -> 1'],
      ['ci', 'promote', 'checkout-latency', 'staging', '1 -> 2'],
      [expect.any(String), 'rollback', 'checkout-latency', 'staging', '2 -> 1'],
    ]);
  });

  it('fails with the registry message', async () => {
    await expect(vigilStdout(['models', 'promote', 'checkout-latency', '7', '--registry', root])).rejects.toThrow('cannot promote model checkout-latency: version 7 does not exist (versions 1-2)');
    await expect(vigilStdout(['models', 'rollback', 'checkout-latency', '--registry', root])).rejects.toThrow('cannot roll back model checkout-latency: alias production has no earlier version to go back to');
    await expect(vigilStdout(['models', 'show', 'nope', '--registry', root])).rejects.toThrow('cannot show model nope: no such model');
  });

  it('says so when nothing is registered', async () => {
    expect(await vigilStdout(['models', 'list', '--registry', join(dir, 'empty')])).toBe('no models registered\n');
  });
});
