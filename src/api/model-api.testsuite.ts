import { pino } from 'pino';
import { configSchema } from '../config/index.js';
import type { ModelRegistry } from '../ml/registry/index.js';
import type { EventStore, Storage } from '../store/index.js';
import { HttpApi, type HttpApiDeps, type StatusBody } from './http-server.js';
import { SelfMetrics } from './self-metrics.js';

/**
 * The real HTTP API in this process on a free port, serving `registry`; the rest of its dependencies are never reached.
 * The caller stops the returned api.
 */
export async function openModelApi(registry: ModelRegistry, options: { authToken?: string } = {}): Promise<{ api: HttpApi; url: string }> {
  const unused = (): never => {
    throw new Error('not used by the model routes');
  };
  const deps: HttpApiDeps = {
    storage: {} as Storage,
    writer: { write: unused, reject: unused } as unknown as HttpApiDeps['writer'],
    metrics: new SelfMetrics(),
    status: () => ({}) as StatusBody,
    ready: () => true,
    clock: { nowMs: () => Date.now() },
    logger: pino({ level: 'silent' }),
    replay: unused,
    logs: {} as HttpApiDeps['logs'],
    events: {} as EventStore,
    models: registry,
  };
  const api = new HttpApi({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024 * 1024, uiDir: null, remoteWrite: configSchema.parse({}).remoteWrite, ...options }, deps);
  await api.start();
  return { api, url: `http://127.0.0.1:${api.port}` };
}
