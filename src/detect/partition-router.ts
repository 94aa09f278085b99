import { hashSeriesKey } from '../model/index.js';
import type { PointBatch } from '../model/index.js';

/** Series ids below this have their partition cached (4 bytes each); larger ids are hashed each time. */
const MAX_CACHED_SERIES_ID = 1 << 24;

/** A run of points bound for one partition, in columns that can be transferred to its worker. */
export interface PointChunk {
  readonly seriesIds: Uint32Array<ArrayBuffer>;
  /** Detector profile of each point's series (see DetectorProfiles). */
  readonly profiles: Uint8Array<ArrayBuffer>;
  readonly timestampsMs: Float64Array<ArrayBuffer>;
  readonly values: Float64Array<ArrayBuffer>;
}

/**
 * Which partition owns a series: `hashSeriesKey(routingKeyOf(key)) % partitions`, the same rule in every
 * process, so states route the same way after a restart with another partition count. The routing key is
 * the series key itself, or the key of the group a grouping detector puts the series in, so that every
 * series of a group meets in one partition. Also which detector profile applies to it, decided once from
 * its key.
 */
export class PartitionRouter {
  /** Partition per series id, -1 when not yet computed; grows by doubling. */
  private cache = new Int32Array(1024).fill(-1);
  /** Profile per series id, valid where `cache` is set. */
  private profileCache = new Uint8Array(1024);
  /** Partition of each point of the batch being split; reused across batches. */
  private scratch = new Int32Array(0);

  constructor(
    readonly partitions: number,
    private readonly seriesKey: (seriesId: number) => string,
    private readonly profileOfKey: (key: string) => number = () => 0,
    private readonly routingKeyOf: (key: string) => string = (key) => key,
  ) {}

  partitionOf(seriesId: number): number {
    return this.lookUp(seriesId) >> 8;
  }

  profileOf(seriesId: number): number {
    return this.lookUp(seriesId) & 0xff;
  }

  /** Partition and profile packed as `partition << 8 | profile`, computed once per cached series. */
  private lookUp(seriesId: number): number {
    if (seriesId < this.cache.length) {
      const cached = this.cache[seriesId]!;
      if (cached >= 0) return (cached << 8) | this.profileCache[seriesId]!;
    }
    const key = this.keyOf(seriesId);
    const partition = hashSeriesKey(this.routingKeyOf(key)) % this.partitions;
    const profile = this.profileOfKey(key);
    if (seriesId < MAX_CACHED_SERIES_ID) {
      if (seriesId >= this.cache.length) this.growCache(seriesId);
      this.cache[seriesId] = partition;
      this.profileCache[seriesId] = profile;
    }
    return (partition << 8) | profile;
  }

  /**
   * Copies the batch into new columns per partition, in batch order, cut into chunks of at most
   * `maxChunkPoints` so that no single message exceeds a partition's queue bound.
   */
  split(batch: PointBatch, maxChunkPoints: number): PointChunk[][] {
    const n = batch.length;
    if (this.scratch.length < n) this.scratch = new Int32Array(Math.max(n, this.scratch.length * 2));
    const counts = new Array<number>(this.partitions).fill(0);
    for (let i = 0; i < n; i++) {
      const routed = this.lookUp(batch.seriesIds[i]!);
      this.scratch[i] = routed;
      counts[routed >> 8]!++;
    }
    const chunks: PointChunk[][] = [];
    const filled = new Array<number>(this.partitions).fill(0);
    for (let p = 0; p < this.partitions; p++) {
      const list: PointChunk[] = [];
      for (let left = counts[p]!; left > 0; left -= maxChunkPoints) {
        const size = Math.min(left, maxChunkPoints);
        list.push({ seriesIds: new Uint32Array(size), profiles: new Uint8Array(size), timestampsMs: new Float64Array(size), values: new Float64Array(size) });
      }
      chunks.push(list);
    }
    for (let i = 0; i < n; i++) {
      const routed = this.scratch[i]!;
      const p = routed >> 8;
      const at = filled[p]!++;
      const chunk = chunks[p]![Math.floor(at / maxChunkPoints)]!;
      const j = at % maxChunkPoints;
      chunk.seriesIds[j] = batch.seriesIds[i]!;
      chunk.profiles[j] = routed & 0xff;
      chunk.timestampsMs[j] = batch.timestampsMs[i]!;
      chunk.values[j] = batch.values[i]!;
    }
    return chunks;
  }

  private keyOf(seriesId: number): string {
    try {
      return this.seriesKey(seriesId);
    } catch (error) {
      throw new Error(`cannot route series ${seriesId}: ${(error as Error).message}`, { cause: error });
    }
  }

  private growCache(seriesId: number): void {
    const size = Math.min(MAX_CACHED_SERIES_ID, Math.max(seriesId + 1, this.cache.length * 2));
    const grown = new Int32Array(size).fill(-1);
    grown.set(this.cache);
    this.cache = grown;
    const profiles = new Uint8Array(size);
    profiles.set(this.profileCache);
    this.profileCache = profiles;
  }
}
