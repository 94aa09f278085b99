import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelRegistry, type AliasChange, type AuditEntry, type ModelDetail, type ModelSummary, type ModelVersionDetail, type RolloutChange } from '../ml/registry/index.js';
import { fakeRegisterRequest, writeFakeArtifact } from '../ml/registry/test-support.js';
import type { HttpApi } from './http-server.js';
import { openModelApi } from './model-api.testsuite.js';

const TOKEN = 'model-token-0123456789';

let dir: string;
let registry: ModelRegistry;
const running: HttpApi[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-model-routes-'));
  registry = new ModelRegistry({ root: join(dir, 'models') });
  const artifact = await writeFakeArtifact(join(dir, 'artifact'));
  for (let i = 0; i < 3; i++) await registry.register(fakeRegisterRequest('checkout-latency', artifact, { creator: 'trainer' }));
  await registry.register(fakeRegisterRequest('hdfs-deeplog', await writeFakeArtifact(join(dir, 'deeplog'), { kind: 'deeplog' }), { kind: 'deeplog' }));
});

afterEach(async () => {
  for (const http of running.splice(0)) await http.stop();
  await rm(dir, { recursive: true, force: true });
});

async function openApi(options: { authToken?: string } = {}): Promise<string> {
  const { api, url } = await openModelApi(registry, options);
  running.push(api);
  return url;
}

async function call<T>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers };
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }) });
  return { status: response.status, body: (await response.json()) as T };
}

describe('model routes', () => {
  it('lists models, shows one with its versions, and one version by number or alias', async () => {
    const url = await openApi();
    await registry.promote('checkout-latency', 2, 'production', 'alice');
    const list = await call<{ models: ModelSummary[] }>(`${url}/api/v1/models`);
    expect(list.status).toBe(200);
    expect(list.body.models.map((m) => [m.name, m.latestVersion, m.aliases.production, m.latest.kind])).toEqual([
      ['checkout-latency', 3, 2, 'lstm-forecaster'],
      ['hdfs-deeplog', 1, null, 'deeplog'],
    ]);
    const detail = await call<ModelDetail>(`${url}/api/v1/models/checkout-latency`);
    expect(detail.body.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(detail.body.aliases).toEqual({ staging: null, production: 2 });
    const byNumber = await call<ModelVersionDetail>(`${url}/api/v1/models/checkout-latency/versions/2`);
    expect(byNumber.body).toMatchObject({ name: 'checkout-latency', version: 2, aliases: ['production'], creator: 'trainer', metrics: { finalLoss: 0.0123 } });
    expect(byNumber.body.artifact.files.map((f) => f.path)).toEqual(['model.json', 'weights.bin']);
    expect((await call<ModelVersionDetail>(`${url}/api/v1/models/checkout-latency/versions/production`)).body.version).toBe(2);
  });

  it('answers 404 and 400 with the registry message', async () => {
    const url = await openApi();
    expect(await call(`${url}/api/v1/models/nope`)).toEqual({ status: 404, body: { error: 'cannot show model nope: no such model' } });
    expect(await call(`${url}/api/v1/models/checkout-latency/versions/7`)).toEqual({ status: 404, body: { error: 'cannot show model checkout-latency: version 7 does not exist (versions 1-3)' } });
    expect((await call<{ error: string }>(`${url}/api/v1/models/checkout-latency/versions/latest`)).status).toBe(400);
    expect(await call(`${url}/api/v1/models/Bad%20Name`)).toMatchObject({ status: 400 });
    const missing = await call(`${url}/api/v1/models/checkout-latency/aliases/production`, { method: 'POST', body: { version: 7 } });
    expect(missing).toEqual({ status: 404, body: { error: 'cannot promote model checkout-latency: version 7 does not exist (versions 1-3)' } });
    const alias = await call(`${url}/api/v1/models/checkout-latency/aliases/prod`, { method: 'POST', body: { version: 1 } });
    expect(alias).toEqual({ status: 400, body: { error: 'cannot promote model checkout-latency: unknown alias "prod" (use one of staging, production)' } });
    expect(await call(`${url}/api/v1/models/checkout-latency/aliases/production`, { method: 'POST', body: { v: 1 } })).toEqual({
      status: 400,
      body: { error: 'cannot promote model checkout-latency: body must be a JSON object {"version": n}', field: 'version' },
    });
    expect((await call(`${url}/api/v1/models/checkout-latency/aliases/production`, { method: 'POST', body: { version: 1.5 } })).status).toBe(400);
    const rollback = await call(`${url}/api/v1/models/checkout-latency/aliases/production/rollback`, { method: 'POST' });
    expect(rollback).toEqual({ status: 400, body: { error: 'cannot roll back model checkout-latency: alias production has no earlier version to go back to' } });
  });

  it('promotes and rolls back, recording the actor from X-Vigil-Actor (else "api"), and serves the audit log', async () => {
    const url = await openApi();
    const promote = (version: number, headers: Record<string, string> = {}) => call<AliasChange>(`${url}/api/v1/models/checkout-latency/aliases/production`, { method: 'POST', body: { version }, headers });
    expect(await promote(1)).toEqual({ status: 200, body: { model: 'checkout-latency', alias: 'production', fromVersion: null, toVersion: 1, changed: true } });
    expect((await promote(3, { 'X-Vigil-Actor': 'alice' })).body).toMatchObject({ fromVersion: 1, toVersion: 3 });
    const rolledBack = await call<AliasChange>(`${url}/api/v1/models/checkout-latency/aliases/production/rollback`, { method: 'POST', headers: { 'X-Vigil-Actor': 'bob' } });
    expect(rolledBack.body).toMatchObject({ fromVersion: 3, toVersion: 1 });
    expect((await promote(2, { 'X-Vigil-Actor': 'x'.repeat(200) })).status).toBe(400);

    const audit = await call<{ entries: AuditEntry[] }>(`${url}/api/v1/models/audit?model=checkout-latency`);
    expect(audit.body.entries.map((e) => [e.action, e.actor, e.alias, e.fromVersion, e.toVersion])).toEqual([
      ['register', 'trainer', null, null, 1],
      ['register', 'trainer', null, null, 2],
      ['register', 'trainer', null, null, 3],
      ['promote', 'api', 'production', null, 1],
      ['promote', 'alice', 'production', 1, 3],
      ['rollback', 'bob', 'production', 3, 1],
    ]);
    expect((await call<{ entries: AuditEntry[] }>(`${url}/api/v1/models/audit?limit=1`)).body.entries.map((e) => e.action)).toEqual(['rollback']);
    expect((await call<{ entries: AuditEntry[] }>(`${url}/api/v1/models/audit`)).body.entries).toHaveLength(7);
    const lines = (await readFile(join(dir, 'models', 'audit.log'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(7);
  });

  it('needs the token for alias changes when auth is on, and none for reads', async () => {
    const url = await openApi({ authToken: TOKEN });
    const path = `${url}/api/v1/models/checkout-latency/aliases/staging`;
    expect((await call(path, { method: 'POST', body: { version: 1 } })).status).toBe(401);
    expect((await call(`${path}/rollback`, { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await call(path, { method: 'POST', body: { version: 1 }, headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await call(`${url}/api/v1/models`)).status).toBe(200);
    expect((await registry.getModel('checkout-latency')).aliases.staging).toBe(1);
  });

  it('sets the rollout of the staging version, recording the actor, and shows it in the listing and the detail', async () => {
    const url = await openApi();
    await registry.promote('checkout-latency', 1, 'production', 'alice');
    await registry.promote('checkout-latency', 3, 'staging', 'alice');
    const rollout = (body: unknown, headers: Record<string, string> = {}) => call<RolloutChange>(`${url}/api/v1/models/checkout-latency/rollout`, { method: 'POST', body, headers });

    expect(await rollout({ mode: 'canary', share: 0.1 }, { 'X-Vigil-Actor': 'carol' })).toEqual({
      status: 200,
      body: { model: 'checkout-latency', stagingVersion: 3, from: { mode: 'off' }, to: { mode: 'canary', share: 0.1 }, changed: true },
    });
    expect((await rollout({ mode: 'canary', share: 0.1 })).body).toMatchObject({ changed: false });
    expect((await rollout({ mode: 'canary', share: '25%' })).body).toMatchObject({ to: { mode: 'canary', share: 0.25 }, changed: true });
    const list = await call<{ models: ModelSummary[] }>(`${url}/api/v1/models`);
    expect(list.body.models.map((m) => [m.name, m.rollout])).toEqual([
      ['checkout-latency', { mode: 'canary', share: 0.25 }],
      ['hdfs-deeplog', { mode: 'off' }],
    ]);
    expect((await rollout({ mode: 'shadow' })).body).toMatchObject({ from: { mode: 'canary', share: 0.25 }, to: { mode: 'shadow' } });
    expect((await call<ModelDetail>(`${url}/api/v1/models/checkout-latency`)).body.rollout).toEqual({ mode: 'shadow' });

    const audit = await call<{ entries: AuditEntry[] }>(`${url}/api/v1/models/audit?model=checkout-latency&limit=3`);
    expect(audit.body.entries.map((e) => [e.action, e.actor, e.alias, e.version, e.rollout])).toEqual([
      ['rollout', 'carol', 'staging', 3, { mode: 'canary', share: 0.1 }],
      ['rollout', 'api', 'staging', 3, { mode: 'canary', share: 0.25 }],
      ['rollout', 'api', 'staging', 3, { mode: 'shadow' }],
    ]);
  });

  it('answers 400 naming the field for a bad rollout body, 400 for a refused rollout, and 404 for an unknown model', async () => {
    const url = await openApi();
    const rollout = (body: unknown, model = 'checkout-latency') => call<{ error: string; field?: string }>(`${url}/api/v1/models/${model}/rollout`, { method: 'POST', ...(body === undefined ? {} : { body }) });
    expect(await rollout({ mode: 'shadow' })).toEqual({ status: 400, body: { error: 'cannot roll out model checkout-latency: alias staging is unset; promote a version to staging first' } });
    await registry.promote('checkout-latency', 2, 'staging', 'alice');
    expect(await rollout({ mode: 'blue' })).toEqual({ status: 400, body: { error: 'cannot roll out model checkout-latency: unknown rollout mode "blue" (use one of off, shadow, canary)', field: 'mode' } });
    expect(await rollout(undefined)).toMatchObject({ status: 400, body: { field: 'mode' } });
    expect(await rollout({ mode: 'canary' })).toMatchObject({ status: 400, body: { field: 'share', error: expect.stringMatching(/canary needs a share/) } });
    expect(await rollout({ mode: 'canary', share: 1 })).toMatchObject({ status: 400, body: { field: 'share', error: expect.stringMatching(/between 0 and 1 exclusive.*got 1$/) } });
    expect(await rollout({ mode: 'shadow', share: 0.5 })).toMatchObject({ status: 400, body: { field: 'share' } });
    expect(await rollout({ mode: 'shadow', percent: 5 })).toMatchObject({ status: 400, body: { field: 'percent' } });
    expect(await rollout({ mode: 'shadow' }, 'nope')).toEqual({ status: 404, body: { error: 'cannot roll out model nope: no such model' } });
    await registry.promote('checkout-latency', 2, 'production', 'alice');
    expect(await rollout({ mode: 'shadow' })).toEqual({ status: 400, body: { error: 'cannot roll out model checkout-latency: staging and production are both version 2; nothing to compare' } });
    expect((await registry.audit()).some((e) => e.action === 'rollout')).toBe(false);
  });

  it('needs the token for a rollout when auth is on', async () => {
    const url = await openApi({ authToken: TOKEN });
    await registry.promote('checkout-latency', 2, 'staging', 'alice');
    const path = `${url}/api/v1/models/checkout-latency/rollout`;
    expect((await call(path, { method: 'POST', body: { mode: 'shadow' } })).status).toBe(401);
    expect((await call(path, { method: 'POST', body: { mode: 'shadow' }, headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await registry.getModel('checkout-latency')).rollout).toEqual({ mode: 'shadow' });
  });
});
