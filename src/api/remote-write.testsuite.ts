import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { LocalSeriesIds } from '../ingest/local-series-ids.js';
import type { KeyedPoints, PointBatch, Rejection } from '../model/index.js';
import { ApiError } from './errors.js';
import type { PointWriter, WriteResult } from './point-writer.js';
import type { IngestProtocol } from './self-metrics.js';
import { registerRemoteWriteRoutes, type RemoteWriteStats } from './remote-write-routes.js';

/**
 * A PointWriter that keeps what it is given. `durable` stores every point; `fail` throws as a closed
 * store does; `rejectAll` refuses every point as a store refuses points out of retention.
 */
export class RecordingPointWriter implements PointWriter {
  readonly points: [string, number, number][] = [];
  readonly rejections: Rejection[] = [];
  readonly protocols = new Set<IngestProtocol>();
  writes = 0;
  private readonly ids = new LocalSeriesIds();

  constructor(public mode: 'durable' | 'fail' | 'rejectAll' = 'durable') {}

  seriesId(key: string): number {
    return this.ids.seriesId(key);
  }

  seriesKey(seriesId: number): string {
    return this.ids.keys[seriesId] ?? `#${seriesId}`;
  }

  async write(written: KeyedPoints | PointBatch, protocol: IngestProtocol): Promise<WriteResult> {
    const points = 'seriesIds' in written ? this.ids.keyed(written) : written;
    this.writes++;
    this.protocols.add(protocol);
    if (this.mode === 'fail') throw new Error('the store is closed');
    if (this.mode === 'rejectAll') {
      return { accepted: 0, rejected: Array.from({ length: points.length }, (_, index) => ({ index, reason: 'out_of_retention' as const, message: 'older than the 30 day retention' })) };
    }
    for (let i = 0; i < points.length; i++) this.points.push([points.keys[i]!, points.timestampsMs[i]!, points.values[i]!]);
    return { accepted: points.length, rejected: [] };
  }

  reject(rejections: readonly Rejection[], protocol: IngestProtocol): void {
    this.protocols.add(protocol);
    this.rejections.push(...rejections);
  }

  /** Stored points whose key starts with `name` (the series name, then `;` or the end). */
  pointsOf(name: string): [string, number, number][] {
    return this.points.filter(([key]) => key === name || key.startsWith(`${name};`));
  }
}

export interface RemoteWriteApp {
  readonly app: FastifyInstance;
  readonly stats: RemoteWriteStats;
}

/**
 * A Fastify app with only the remote write route, answering errors as http-server.ts does
 * (`{ error }` with the ApiError's status, Fastify's own 4xx as they are).
 */
export function remoteWriteApp(writer: PointWriter, options: { maxDecodedBytes?: number; enabled?: boolean; token?: string } = {}): RemoteWriteApp {
  const app = Fastify();
  app.setErrorHandler((err, _request, reply) => {
    const statusCode = err instanceof ApiError ? err.statusCode : typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 500;
    void reply.code(statusCode).send({ error: (err as Error).message });
  });
  const requireToken = async (request: FastifyRequest): Promise<void> => {
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) throw new ApiError(401, 'cannot authorize request: missing or wrong bearer token');
  };
  const stats = registerRemoteWriteRoutes(app, {
    writer,
    config: { enabled: options.enabled ?? true, maxDecodedBytes: options.maxDecodedBytes ?? 64 * 1024 * 1024 },
    requireToken,
  });
  return { app, stats };
}
