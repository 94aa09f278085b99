import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/index.js';
import { stoppedAfterEach } from '../net/test-support.js';
import { CollectingLogSink } from '../test-support.js';
import { HecListener } from './listener.js';

/** The part of splunk-logging's Logger these tests drive (the package ships no types). */
interface SplunkLoggerConfig {
  readonly token: string;
  readonly url: string;
  readonly maxBatchCount?: number;
}
interface SplunkPayload {
  readonly message: unknown;
  readonly severity?: string;
  readonly metadata?: { readonly time?: Date; readonly host?: string; readonly source?: string; readonly sourcetype?: string; readonly index?: string };
}
interface SplunkLogger {
  error: (error: Error & { code?: number }, context: unknown) => void;
  send(payload: SplunkPayload, callback?: (error: Error | null, response: unknown, body: unknown) => void): void;
}
const { Logger } = createRequire(import.meta.url)('splunk-logging') as { Logger: new (config: SplunkLoggerConfig) => SplunkLogger };

const TOKEN = '5b3c9c3e-9a41-4c53-9a4e-6f2f5e1d2c3b';
const started = stoppedAfterEach<HecListener>();

async function startHec(): Promise<{ listener: HecListener; sink: CollectingLogSink; url: string }> {
  const config = configSchema.parse({ hec: { host: '127.0.0.1', port: 0, tokens: [{ token: TOKEN, name: 'farm' }] } }).hec;
  const sink = new CollectingLogSink();
  const listener = await started(new HecListener({ config, nowMs: () => Date.UTC(2024, 5, 15, 12) }, sink));
  return { listener, sink, url: `http://127.0.0.1:${listener.address().port}` };
}

function send(logger: SplunkLogger, payload: SplunkPayload): Promise<unknown> {
  return new Promise((resolve, reject) => logger.send(payload, (error, _response, body) => (error === null ? resolve(body) : reject(error))));
}

describe('HecListener with the splunk-logging client', () => {
  it('receives an event with its metadata, time and severity', async () => {
    const { sink, url } = await startHec();
    const logger = new Logger({ token: TOKEN, url });
    const body = await send(logger, {
      message: { temperature: '70F', chickenCount: 500 },
      severity: 'warn',
      metadata: { time: new Date(Date.UTC(2024, 5, 15, 11, 59, 30, 250)), host: 'farm.local', source: 'chicken coop', sourcetype: 'coop_sensor', index: 'main' },
    });
    expect(body).toEqual({ text: 'Success', code: 0 });
    expect(sink.records).toEqual([
      {
        timestampMs: Date.UTC(2024, 5, 15, 11, 59, 30, 250),
        host: 'farm.local',
        source: 'chicken coop',
        sourcetype: 'coop_sensor',
        severity: 'warning',
        message: '{"message":{"temperature":"70F","chickenCount":500},"severity":"warn"}',
        fields: { severity: 'warn', index: 'main' },
      },
    ]);
  });

  it('receives a batch as concatenated envelopes in one request, with the token\'s defaults', async () => {
    const { listener, sink, url } = await startHec();
    const logger = new Logger({ token: TOKEN, url, maxBatchCount: 3 });
    logger.send({ message: 'first' });
    logger.send({ message: 'second', severity: 'error' });
    expect(await send(logger, { message: 'third', severity: 'debug' })).toEqual({ text: 'Success', code: 0 });
    expect(sink.records.map(({ message, severity, host, source, sourcetype }) => ({ message, severity, host, source, sourcetype }))).toEqual([
      { message: '{"message":"first","severity":"info"}', severity: 'info', host: '127.0.0.1', source: 'http:farm', sourcetype: 'httpevent' },
      { message: '{"message":"second","severity":"error"}', severity: 'error', host: '127.0.0.1', source: 'http:farm', sourcetype: 'httpevent' },
      { message: '{"message":"third","severity":"debug"}', severity: 'debug', host: '127.0.0.1', source: 'http:farm', sourcetype: 'httpevent' },
    ]);
    expect(listener.stats()).toMatchObject({ requests: 1, events: 3, errors: 0 });
  });

  it('reports Splunk\'s error code to the client for an unknown token', async () => {
    const { sink, url } = await startHec();
    const logger = new Logger({ token: 'not-configured', url });
    const errors: (Error & { code?: number })[] = [];
    logger.error = (error) => errors.push(error);
    expect(await send(logger, { message: 'hello' })).toEqual({ text: 'Invalid token', code: 4 });
    expect(errors.map((error) => [error.message, error.code])).toEqual([['Invalid token', 4]]);
    expect(sink.records).toEqual([]);
  });
});
