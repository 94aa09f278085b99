import type { PointBatchBuilder, Rejection } from '../../model/index.js';
import type { SenderConnection, StreamReader } from '../net/sender-connection.js';
import type { PointSink } from '../sink.js';
import { pointsBuilderFor } from './chunk-builder.js';
import type { GraphiteParserOptions } from './parse.js';
import { GraphiteLineParser } from './parse.js';

export const GRAPHITE_TCP_SOURCE = 'graphite_tcp';

/**
 * One Graphite sender's reads: its own parser (a line may straddle chunks), the points of each chunk
 * handed to the sink, their writes tracked by the connection (which pauses the socket while too many
 * are pending).
 */
export class GraphiteTcpReader implements StreamReader {
  private readonly parser: GraphiteLineParser;

  constructor(
    private readonly connection: SenderConnection,
    options: GraphiteParserOptions,
    private readonly sink: PointSink,
  ) {
    this.parser = new GraphiteLineParser(options);
  }

  /** Parses a chunk, or with null the unterminated last line of a sender that has closed its side. */
  read(chunk: Buffer | null): void {
    const out = pointsBuilderFor(chunk === null ? 0 : chunk.length);
    const rejections: Rejection[] = [];
    try {
      if (chunk === null) this.parser.end(out, rejections);
      else this.parser.push(chunk, out, rejections);
      if (rejections.length > 0) this.sink.reject(rejections, GRAPHITE_TCP_SOURCE);
      if (out.length > 0) this.write(out);
    } catch {
      // The sink could not name the series (the store is stopping) or take the points, and counted a
      // failed write; plaintext Graphite cannot tell the sender otherwise.
      this.connection.socket.destroy();
    }
  }

  private write(out: PointBatchBuilder): void {
    const count = out.length;
    const written = this.sink.write(out.finish(), GRAPHITE_TCP_SOURCE);
    if (written !== undefined) this.connection.track(count, written);
  }
}
