import { PointBatchBuilder } from '../../model/index.js';
import type { PointBatch, Rejection } from '../../model/index.js';
import { SeriesIdCache } from '../series-id-cache.js';
import type { SeriesIds } from '../sink.js';
import { SnappyBlockDecoder } from './snappy.js';
import { WriteRequestDecoder, type WriteRequestCounts } from './write-request.js';

/** Series whose label bytes are remembered when no other size is given; beyond it the cache starts over. */
const DEFAULT_KEY_CACHE_ENTRIES = 1_000_000;
/** A sample with its TimeSeries and labels takes at least this many bytes, so the builder rarely grows. */
const BYTES_PER_SAMPLE_ESTIMATE = 64;
const SMALLEST_BUILDER = 16;

export interface RemoteWriteDecoderOptions {
  /** Largest uncompressed WriteRequest accepted, in bytes. */
  readonly maxDecodedBytes: number;
  /** Distinct label sets whose series id is cached (default 1,000,000). */
  readonly keyCacheEntries?: number;
  /** Where the ids of label sets not in the cache come from (the write path, in the server). */
  readonly seriesIds: SeriesIds;
}

/** A decoded remote write body: its points (named by series id), its rejected samples, and what else it held. */
export interface RemoteWriteBatch {
  readonly points: PointBatch;
  readonly rejections: Rejection[];
  readonly counts: WriteRequestCounts;
}

/**
 * Prometheus remote write 1.0 bodies (snappy block format around a protobuf `WriteRequest`) to points
 * named by series id. One decoder serves one endpoint: it reuses its decompression buffer and series id cache
 * across bodies, and it is synchronous, so concurrent requests cannot interleave inside it.
 * Throws RemoteWriteFormatError when the body cannot be used at all (`malformed`, or `too_large` when
 * it declares more than maxDecodedBytes).
 */
export class RemoteWriteDecoder {
  private readonly snappy = new SnappyBlockDecoder();
  private readonly writeRequest: WriteRequestDecoder;
  private readonly maxDecodedBytes: number;

  constructor(options: RemoteWriteDecoderOptions) {
    const { maxDecodedBytes, keyCacheEntries = DEFAULT_KEY_CACHE_ENTRIES, seriesIds } = options;
    if (!Number.isInteger(maxDecodedBytes) || maxDecodedBytes <= 0) {
      throw new Error(`cannot create remote write decoder: maxDecodedBytes must be a positive integer, got ${maxDecodedBytes}`);
    }
    this.maxDecodedBytes = maxDecodedBytes;
    this.writeRequest = new WriteRequestDecoder(seriesIds, new SeriesIdCache(keyCacheEntries));
  }

  decode(body: Buffer): RemoteWriteBatch {
    const decoded = this.snappy.decode(body, this.maxDecodedBytes);
    const out = new PointBatchBuilder(Math.max(SMALLEST_BUILDER, Math.ceil(decoded.length / BYTES_PER_SAMPLE_ESTIMATE)));
    const rejections: Rejection[] = [];
    const counts = this.writeRequest.decode(decoded, out, rejections);
    return { points: out.finish(), rejections, counts };
  }
}
