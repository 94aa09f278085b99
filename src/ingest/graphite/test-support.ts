import type { KeyedPoints, PointBatch, Rejection } from '../../model/index.js';
import { LocalSeriesIds } from '../local-series-ids.js';
import type { PointSink } from '../sink.js';

/** Records what listeners hand over; in `hold` mode writes return promises the test settles with releaseAll(). */
export class RecordingPointSink implements PointSink {
  readonly keys: string[] = [];
  readonly values: number[] = [];
  readonly timestampsMs: number[] = [];
  readonly rejections: Rejection[] = [];
  readonly sources = new Set<string>();
  writeCalls = 0;
  /** Points of the writes not settled yet, and the most there ever were. */
  heldPoints = 0;
  maxHeldPoints = 0;
  private held: { count: number; resolve: () => void }[] = [];
  private readonly ids = new LocalSeriesIds();

  constructor(private readonly mode: 'sync' | 'hold') {}

  seriesId(key: string): number {
    return this.ids.seriesId(key);
  }

  write(written: KeyedPoints | PointBatch, source: string): Promise<void> | void {
    this.writeCalls++;
    this.sources.add(source);
    const points = 'seriesIds' in written ? this.ids.keyed(written) : written;
    for (let i = 0; i < points.length; i++) {
      this.keys.push(points.keys[i]!);
      this.values.push(points.values[i]!);
      this.timestampsMs.push(points.timestampsMs[i]!);
    }
    if (this.mode === 'sync') return;
    this.heldPoints += points.length;
    this.maxHeldPoints = Math.max(this.maxHeldPoints, this.heldPoints);
    return new Promise((resolve) => this.held.push({ count: points.length, resolve }));
  }

  reject(rejections: readonly Rejection[], source: string): void {
    this.sources.add(source);
    this.rejections.push(...rejections);
  }

  /** Settles every held write. */
  releaseAll(): void {
    const held = this.held;
    this.held = [];
    for (const write of held) {
      this.heldPoints -= write.count;
      write.resolve();
    }
  }
}
