import type { IngestProtocol, PointWriter, SelfMetrics, WriteResult } from '../api/index.js';
import type { DetectionRunner } from '../detect/index.js';
import type { KeyedPoints, PointBatch, Rejection } from '../model/index.js';
import type { Storage } from '../store/index.js';

/**
 * The write path shared by every protocol: series keys to ids, a durable append, then detection.
 * Bounded: when more than `maxInFlightPoints` are waiting for their commit, new writes wait first,
 * which pauses Graphite sockets and holds HTTP responses (back-pressure instead of memory growth).
 */
export class IngestPipeline implements PointWriter {
  private inFlightPoints = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private received = 0;
  private rejectedCount = 0;

  constructor(
    private readonly storage: Storage,
    private readonly runner: DetectionRunner | null,
    private readonly metrics: SelfMetrics,
    private readonly maxInFlightPoints: number,
    private readonly onRejected: (rejections: readonly Rejection[], protocol: IngestProtocol) => void,
  ) {}

  /** Points whose write has begun and is not yet durable and handed to detection. */
  get pendingPoints(): number {
    return this.inFlightPoints;
  }

  /** Points accepted since start. */
  get pointsReceived(): number {
    return this.received;
  }

  /** Lines, records and points rejected since start, whatever the reason. */
  get pointsRejected(): number {
    return this.rejectedCount;
  }

  seriesId(key: string): number {
    return this.storage.seriesId(key);
  }

  seriesKey(seriesId: number): string {
    return this.storage.seriesById(seriesId)?.key ?? `#${seriesId}`;
  }

  async write(points: KeyedPoints | PointBatch, protocol: IngestProtocol): Promise<WriteResult> {
    if (points.length === 0) return { accepted: 0, rejected: [] };
    while (this.inFlightPoints >= this.maxInFlightPoints) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlightPoints += points.length;
    const work = this.store(points, protocol);
    this.pending.add(work);
    try {
      return await work;
    } finally {
      this.pending.delete(work);
      this.inFlightPoints -= points.length;
      this.waiters.splice(0).forEach((wake) => wake());
    }
  }

  reject(rejections: readonly Rejection[], protocol: IngestProtocol): void {
    if (rejections.length === 0) return;
    this.rejectedCount += rejections.length;
    for (const r of rejections) this.metrics.rejected(protocol, r.reason);
    this.onRejected(rejections, protocol);
  }

  /** Resolves when every write begun so far has been stored and handed to detection. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async store(points: KeyedPoints | PointBatch, protocol: IngestProtocol): Promise<WriteResult> {
    const batch: PointBatch =
      'seriesIds' in points
        ? points
        : { length: points.length, seriesIds: this.storage.resolveSeries(points.keys), timestampsMs: points.timestampsMs, values: points.values };
    const result = await this.storage.append(batch);
    this.received += result.accepted;
    this.metrics.pointsReceived.inc({ protocol }, result.accepted);
    if (result.rejected.length > 0) {
      this.reject(
        result.rejected.map((r) => ({ line: r.index + 1, reason: r.reason, message: r.message })),
        protocol,
      );
    }
    if (this.runner !== null && result.accepted > 0) {
      await this.runner.submit(result.rejected.length === 0 ? batch : withoutRejected(batch, result.rejected));
    }
    return result;
  }
}

function withoutRejected(batch: PointBatch, rejected: WriteResult['rejected']): PointBatch {
  const drop = new Uint8Array(batch.length);
  for (const r of rejected) drop[r.index] = 1;
  const length = batch.length - rejected.length;
  const out = { length, seriesIds: new Uint32Array(length), timestampsMs: new Float64Array(length), values: new Float64Array(length) };
  let k = 0;
  for (let i = 0; i < batch.length; i++) {
    if (drop[i] === 1) continue;
    out.seriesIds[k] = batch.seriesIds[i]!;
    out.timestampsMs[k] = batch.timestampsMs[i]!;
    out.values[k] = batch.values[i]!;
    k++;
  }
  return out;
}
