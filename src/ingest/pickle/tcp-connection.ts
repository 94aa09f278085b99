import { KeyedPointsBuilder } from '../../model/index.js';
import type { Rejection } from '../../model/index.js';
import type { SenderConnection, StreamReader } from '../net/sender-connection.js';
import type { PointSink } from '../sink.js';
import type { PickleFrameCounts } from './framing.js';
import { PickleFrameStream } from './framing.js';
import type { PickleFrameDecoder } from './unpickle.js';

export const GRAPHITE_PICKLE_SOURCE = 'graphite_pickle';

/** Protocol 2 spends about this many bytes on an item, so a chunk rarely makes its builder grow. */
const BYTES_PER_ITEM_ESTIMATE = 24;
const SMALLEST_BUILDER = 16;

/**
 * One pickle sender's reads: its own framing (a frame may straddle chunks), the points of each chunk
 * handed to the sink, their writes tracked by the connection (which pauses the socket while too many
 * are pending). A connection whose framing is lost, or whose points the sink cannot take, is closed.
 */
export class GraphitePickleReader implements StreamReader {
  private readonly frames: PickleFrameStream;

  constructor(
    private readonly connection: SenderConnection,
    maxFrameBytes: number,
    decoder: PickleFrameDecoder,
    counts: PickleFrameCounts,
    private readonly sink: PointSink,
  ) {
    this.frames = new PickleFrameStream(maxFrameBytes, decoder, counts);
  }

  /** Decodes a chunk, or with null notes that the sender has closed its side. */
  read(chunk: Buffer | null): void {
    const out = new KeyedPointsBuilder(chunk === null ? SMALLEST_BUILDER : Math.max(SMALLEST_BUILDER, Math.ceil(chunk.length / BYTES_PER_ITEM_ESTIMATE)));
    const rejections: Rejection[] = [];
    let inStep = true;
    if (chunk === null) this.frames.end(rejections);
    else inStep = this.frames.push(chunk, out, rejections);
    try {
      if (rejections.length > 0) this.sink.reject(rejections, GRAPHITE_PICKLE_SOURCE);
      if (out.length > 0) this.write(out);
    } catch {
      // The sink could not take the points and has counted that; closing is the only signal a sender gets.
      inStep = false;
    }
    if (!inStep) this.connection.socket.destroy();
  }

  private write(out: KeyedPointsBuilder): void {
    const count = out.length;
    const written = this.sink.write(out.finish(), GRAPHITE_PICKLE_SOURCE);
    if (written !== undefined) this.connection.track(count, written);
  }
}
