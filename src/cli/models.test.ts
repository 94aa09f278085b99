import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpApi } from '../api/http-server.js';
import { openModelApi } from '../api/model-api.testsuite.js';
import { ModelRegistry, type AliasChange, type ModelVersionDetail, type RolloutChange } from '../ml/registry/index.js';
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
  await registry.register(fakeRegisterRequest('checkout-latency', artifact, { creator: 'bob', trainingData: { source: 'series:shop.*.latency_p99_ms', fromMs: Date.UTC(2024, 0, 1), toMs: Date.UTC(2024, 0, 8), columns: ['shop.a.latency_p99_ms', 'shop.b.latency_p99_ms'] } }));
  await registry.register(fakeRegisterRequest('hdfs-deeplog', await writeFakeArtifact(join(dir, 'deeplog'), { kind: 'deeplog' }), { kind: 'deeplog', metrics: {} }));
});

const running: HttpApi[] = [];

afterEach(async () => {
  for (const http of running.splice(0)) await http.stop();
  await rm(dir, { recursive: true, force: true });
});

async function openApi(options: { authToken?: string } = {}): Promise<string> {
  const { api, url } = await openModelApi(new ModelRegistry({ root }), options);
  running.push(api);
  return url;
}

/** The CLI's default actor: the OS user name (as models.ts finds it). */
function osUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

/** The audit log's rows without the time: actor, action, model, alias, change. */
async function auditRows(target: readonly string[]): Promise<string[][]> {
  const lines = (await vigilStdout(['models', 'audit', '--model', 'checkout-latency', ...target])).trimEnd().split('\n');
  return lines.slice(1).map((l) => l.split(/\s{2,}/).slice(1));
}

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
    expect(version).toMatch(/training data: +series:shop\.\*\.latency_p99_ms, 2024-01-01 00:00:00Z to 2024-01-08 00:00:00Z\ncolumns: +shop\.a\.latency_p99_ms, shop\.b\.latency_p99_ms\n/);
    expect(await vigilStdout(['models', 'show', 'checkout-latency', '1', '--registry', root])).not.toContain('columns:');
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

describe('vigil models rollout', () => {
  it('sets the rollout of the staging version on a registry directory and shows it in list, show and audit', async () => {
    const target = ['--registry', root, '--actor', 'ci'];
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'shadow', ...target])).rejects.toThrow('cannot roll out model checkout-latency: alias staging is unset; promote a version to staging first');
    await vigilStdout(['models', 'promote', 'checkout-latency', '1', ...target]);
    await vigilStdout(['models', 'promote', 'checkout-latency', '2', '--to', 'staging', ...target]);

    expect(await vigilStdout(['models', 'rollout', 'checkout-latency', 'canary', '--share', '10%', ...target])).toBe('checkout-latency: staging v2 now canary on 10% of series (was off)\n');
    expect(await vigilStdout(['models', 'rollout', 'checkout-latency', 'canary', '--share', '0.1', ...target])).toBe('checkout-latency: staging v2 already canary on 10% of series; nothing changed\n');
    const list = (await vigilStdout(['models', 'list', ...target])).split('\n');
    expect(list[1]).toMatch(/^checkout-latency\s+2\s+lstm-forecaster\s+.*\s+bob\s+2 \(canary 10%\)\s+1\s+finalLoss=/);
    expect(list[2]).toMatch(/^hdfs-deeplog\s+1\s+deeplog\s+.*\s+alice\s+-\s+-\s+-$/);
    expect(await vigilStdout(['models', 'rollout', 'checkout-latency', 'shadow', ...target])).toBe('checkout-latency: staging v2 now shadow (was canary on 10% of series)\n');
    expect((await vigilStdout(['models', 'show', 'checkout-latency', ...target])).split('\n')[0]).toBe('checkout-latency: 2 versions; staging -> 2 (shadow), production -> 1');
    const json = JSON.parse(await vigilStdout(['models', 'rollout', 'checkout-latency', 'off', ...target, '--json'])) as RolloutChange;
    expect(json).toEqual({ model: 'checkout-latency', stagingVersion: 2, from: { mode: 'shadow' }, to: { mode: 'off' }, changed: true });
    expect((await vigilStdout(['models', 'show', 'checkout-latency', ...target])).split('\n')[0]).toBe('checkout-latency: 2 versions; staging -> 2, production -> 1');
    expect((await auditRows(target)).slice(-3)).toEqual([
      ['ci', 'rollout', 'checkout-latency', 'staging', 'version 2 canary on 10% of series'],
      ['ci', 'rollout', 'checkout-latency', 'staging', 'version 2 shadow'],
      ['ci', 'rollout', 'checkout-latency', 'staging', 'version 2 off'],
    ]);
  });

  it('refuses a bad mode or share before changing anything', async () => {
    const target = ['--registry', root];
    await vigilStdout(['models', 'promote', 'checkout-latency', '2', '--to', 'staging', ...target]);
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'blue', ...target])).rejects.toThrow('cannot roll out model checkout-latency: unknown rollout mode "blue" (use one of off, shadow, canary)');
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'canary', ...target])).rejects.toThrow(/cannot roll out model checkout-latency: canary needs a share/);
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'canary', '--share', '150%', ...target])).rejects.toThrow(/share must be a number between 0 and 1 exclusive \(e\.g\. 0\.1 or "10%"\), got "150%"/);
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'shadow', '--share', '0.1', ...target])).rejects.toThrow('cannot roll out model checkout-latency: share is only for canary, not for mode shadow');
    expect((await new ModelRegistry({ root }).audit()).some((e) => e.action === 'rollout')).toBe(false);
  });

  it('sets the rollout over HTTP, and every change over HTTP records the actor it sent (--actor, else the OS user)', async () => {
    const url = await openApi({ authToken: 'cli-token-0123456789' });
    const target = ['--url', url, '--token', 'cli-token-0123456789'];
    await vigilStdout(['models', 'promote', 'checkout-latency', '1', ...target, '--actor', 'release-bot']);
    await vigilStdout(['models', 'promote', 'checkout-latency', '2', '--to', 'staging', ...target]);
    expect(await vigilStdout(['models', 'rollout', 'checkout-latency', 'canary', '--share', '25%', ...target, '--actor', 'carol'])).toBe('checkout-latency: staging v2 now canary on 25% of series (was off)\n');
    const json = JSON.parse(await vigilStdout(['models', 'rollout', 'checkout-latency', 'shadow', ...target, '--actor', 'carol', '--json'])) as RolloutChange;
    expect(json).toEqual({ model: 'checkout-latency', stagingVersion: 2, from: { mode: 'canary', share: 0.25 }, to: { mode: 'shadow' }, changed: true });
    expect((await vigilStdout(['models', 'list', '--url', url])).split('\n')[1]).toMatch(/\s+2 \(shadow\)\s+1\s+/);
    await vigilStdout(['models', 'promote', 'checkout-latency', '2', ...target, '--actor', 'dave']);
    await vigilStdout(['models', 'rollback', 'checkout-latency', ...target, '--actor', 'erin']);
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'canary', '--share', '0', ...target])).rejects.toThrow(/share must be a number between 0 and 1 exclusive/);
    await expect(vigilStdout(['models', 'rollout', 'checkout-latency', 'shadow', '--url', url])).rejects.toThrow('(HTTP 401)');
    await expect(vigilStdout(['models', 'promote', 'checkout-latency', '1', ...target, '--actor', 'ünïcødé 李'])).rejects.toThrow(/cannot send actor "ünïcødé 李" in X-Vigil-Actor: it must be printable Latin-1 text/);

    expect((await auditRows(['--url', url])).slice(2)).toEqual([
      ['release-bot', 'promote', 'checkout-latency', 'production', 'none -> 1'],
      [osUser(), 'promote', 'checkout-latency', 'staging', 'none -> 2'],
      ['carol', 'rollout', 'checkout-latency', 'staging', 'version 2 canary on 25% of series'],
      ['carol', 'rollout', 'checkout-latency', 'staging', 'version 2 shadow'],
      ['dave', 'promote', 'checkout-latency', 'production', '1 -> 2'],
      ['erin', 'rollback', 'checkout-latency', 'production', '2 -> 1'],
    ]);
  });
});
