import type { RejectReason, Rejection } from '../../model/index.js';
import { INVALID_SERIES_ID, PointBatchBuilder } from '../../model/index.js';
import { LocalSeriesIds } from '../local-series-ids.js';
import type { ParsedPoints } from '../parsed.js';
import { quoteValue } from '../quote.js';
import { SeriesIdCache } from '../series-id-cache.js';
import type { SeriesIds } from '../sink.js';
import { isNanLiteral, parseDecimal } from './decimal.js';
import { hashPathBytes } from './key-cache.js';
import { graphitePathKey } from './path-key.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
/** Series paths remembered by a parser that is given no shared cache; beyond it the cache starts over. */
const PRIVATE_ID_CACHE_ENTRIES = 16_384;
/** Graphite's "no timestamp, use the receive time". */
const NOW_TIMESTAMP = -1;
/** Largest time a JavaScript Date can hold; later timestamps are rejected rather than stored as nonsense. */
const MAX_TIMESTAMP_MS = 8.64e15;
/** Bytes of an over-long line quoted in its rejection. */
const QUOTED_PREFIX_BYTES = 100;
const SMALLEST_PARTIAL_BYTES = 256;

export interface GraphiteParserOptions {
  /** Lines longer than this, not counting their `\n` or `\r\n`, are rejected as `line_too_long`. */
  readonly maxLineBytes: number;
  /** Time given to points sent without a timestamp or with `-1`. */
  readonly nowMs: () => number;
  /** Where the ids of series paths not in the cache come from (the sink, in a listener). */
  readonly seriesIds: SeriesIds;
  /** Cache shared by the parsers of one listener, so every connection benefits from series seen on any. */
  readonly idCache?: SeriesIdCache;
}

/**
 * Streaming parser of Graphite's plaintext protocol: `path value [timestamp]` per line, with `path`
 * optionally tagged (`name;k=v;...`). Bytes arrive in chunks cut anywhere; a line cut by a chunk
 * boundary is carried over (bounded by maxLineBytes), so the result does not depend on where the
 * cuts fall. Lines are numbered from 1 across the whole stream.
 *
 * The hot path finds the fields and the newline in one pass and names the series by id straight from
 * the id cache, trying first the series that followed the previous line's last time (senders keep
 * their order), which needs no hash; so a line of a known series allocates nothing.
 */
export class GraphiteLineParser {
  private readonly maxLineBytes: number;
  private readonly nowMs: () => number;
  private readonly seriesIds: SeriesIds;
  private readonly ids: SeriesIdCache;
  /**
   * Start of a line whose newline has not arrived: at most maxLineBytes + 1 bytes (room for a `\r`),
   * plus one for the newline put after it once it is complete.
   */
  private partial = Buffer.alloc(0);
  private partialLength = 0;
  /** Inside a line already rejected as too long: its bytes are skipped up to its newline. */
  private skipping = false;
  /** Number of the line being read (lines begun so far). */
  private lineNumber = 0;

  constructor(options: GraphiteParserOptions) {
    if (!Number.isInteger(options.maxLineBytes) || options.maxLineBytes <= 0) {
      throw new Error(`cannot create graphite parser: maxLineBytes must be a positive integer, got ${options.maxLineBytes}`);
    }
    this.maxLineBytes = options.maxLineBytes;
    this.nowMs = options.nowMs;
    this.seriesIds = options.seriesIds;
    this.ids = options.idCache ?? new SeriesIdCache(PRIVATE_ID_CACHE_ENTRIES);
  }

  /** Parses every line that `chunk` completes; keeps the unterminated rest for the next call. */
  push(chunk: Buffer, out: PointBatchBuilder, rejections: Rejection[]): void {
    let start = 0;
    if (this.skipping || this.partialLength > 0) {
      const newline = chunk.indexOf(LF);
      if (newline === -1) {
        if (!this.skipping) this.keepPartial(chunk, 0, rejections);
        return;
      }
      if (this.skipping) this.skipping = false;
      else this.completePartial(chunk, newline, out, rejections);
      start = newline + 1;
    }
    // Every line up to the last newline is whole, so parseLine may read up to its newline unchecked.
    const lastNewline = chunk.lastIndexOf(LF);
    while (start <= lastNewline) {
      this.lineNumber++;
      start = this.parseLine(chunk, start, out, rejections) + 1;
    }
    if (start < chunk.length) this.keepPartial(chunk, start, rejections);
  }

  /** Parses the last line if the stream ended without a newline, and readies the parser for a new stream. */
  end(out: PointBatchBuilder, rejections: Rejection[]): void {
    const length = this.partialLength;
    this.partialLength = 0;
    if (!this.skipping && length > 0) {
      this.partial[length] = LF;
      this.parseLine(this.partial, 0, out, rejections);
    }
    this.skipping = false;
    this.lineNumber = 0;
  }

  private keepPartial(chunk: Buffer, start: number, rejections: Rejection[]): void {
    if (this.partialLength === 0) this.lineNumber++;
    const length = this.partialLength + chunk.length - start;
    if (length > this.maxLineBytes + 1) {
      this.rejectTooLong(this.partialPrefix(chunk, start), rejections);
      this.partialLength = 0;
      this.skipping = true;
      return;
    }
    this.reservePartial(length + 1);
    chunk.copy(this.partial, this.partialLength, start);
    this.partialLength = length;
  }

  private completePartial(chunk: Buffer, newline: number, out: PointBatchBuilder, rejections: Rejection[]): void {
    const length = this.partialLength + newline;
    if (length > this.maxLineBytes + 1) {
      this.rejectTooLong(this.partialPrefix(chunk, 0), rejections);
      this.partialLength = 0;
      return;
    }
    this.reservePartial(length + 1);
    chunk.copy(this.partial, this.partialLength, 0, newline);
    this.partial[length] = LF;
    this.partialLength = 0;
    this.parseLine(this.partial, 0, out, rejections);
  }

  private reservePartial(length: number): void {
    if (this.partial.length >= length) return;
    const capacity = Math.min(this.maxLineBytes + 2, Math.max(length, this.partial.length * 2, SMALLEST_PARTIAL_BYTES));
    const grown = Buffer.allocUnsafe(capacity);
    this.partial.copy(grown, 0, 0, this.partialLength);
    this.partial = grown;
  }

  /** The quoted start of an over-long line held partly in `partial` and partly in `chunk`. */
  private partialPrefix(chunk: Buffer, start: number): string {
    const wanted = this.quotedPrefixBytes();
    const fromPartial = Math.min(this.partialLength, wanted);
    const fromChunk = Math.min(chunk.length - start, wanted - fromPartial);
    return Buffer.concat([this.partial.subarray(0, fromPartial), chunk.subarray(start, start + fromChunk)]).toString('utf8');
  }

  /** Both ways of finding an over-long line know at least maxLineBytes + 1 of its bytes. */
  private quotedPrefixBytes(): number {
    return Math.min(QUOTED_PREFIX_BYTES, this.maxLineBytes + 1);
  }

  /**
   * Parses the line starting at `start`, which a newline is known to end, and returns the index of
   * that newline. Fields are separated by runs of spaces or tabs; a `\r` before the newline is dropped.
   */
  private parseLine(buf: Buffer, start: number, out: PointBatchBuilder, rejections: Rejection[]): number {
    let i = start;
    let c = buf[i]!;
    while (c === SPACE || c === TAB) c = buf[++i]!;
    const pathStart = i;
    // Field bytes are nearly always above SPACE, and the three that end a field are not: one compare.
    while (c > SPACE || (c !== SPACE && c !== TAB && c !== LF)) c = buf[++i]!;
    const pathEnd = i;
    while (c === SPACE || c === TAB) c = buf[++i]!;
    const valueStart = i;
    while (c > SPACE || (c !== SPACE && c !== TAB && c !== LF)) c = buf[++i]!;
    let valueEnd = i;
    while (c === SPACE || c === TAB) c = buf[++i]!;
    const timestampStart = i;
    while (c > SPACE || (c !== SPACE && c !== TAB && c !== LF)) c = buf[++i]!;
    let timestampEnd = i;
    while (c === SPACE || c === TAB) c = buf[++i]!;
    const extraField = c !== LF;
    while (c !== LF) c = buf[++i]!;
    const newline = i;

    const lineEnd = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
    if (lineEnd - start > this.maxLineBytes) {
      this.rejectTooLong(buf.toString('utf8', start, start + this.quotedPrefixBytes()), rejections);
      return newline;
    }
    // The field that ran up to the newline took the `\r` with it.
    valueEnd = Math.min(valueEnd, lineEnd);
    timestampEnd = Math.min(timestampEnd, lineEnd);
    if (pathStart >= lineEnd) return newline;
    if (valueStart >= valueEnd || extraField) {
      const line = buf.toString('utf8', start, lineEnd);
      this.reject(rejections, 'malformed_line', `expected "<path> <value> [<timestamp>]", got ${quoteValue(line)}`);
      return newline;
    }

    const value = parseDecimal(buf, valueStart, valueEnd);
    if (!Number.isFinite(value)) {
      const text = quoteValue(buf.toString('utf8', valueStart, valueEnd));
      if (isNanLiteral(buf, valueStart, valueEnd)) this.reject(rejections, 'nan_value', `value ${text} is NaN`);
      else if (Number.isNaN(value)) this.reject(rejections, 'bad_value', `value ${text} is not a decimal number`);
      else this.reject(rejections, 'bad_value', `value ${text} is out of range`);
      return newline;
    }

    let timestampMs: number;
    if (timestampStart >= timestampEnd) {
      timestampMs = this.nowMs();
    } else {
      const seconds = parseDecimal(buf, timestampStart, timestampEnd);
      if (seconds === NOW_TIMESTAMP) {
        timestampMs = this.nowMs();
      } else {
        timestampMs = Math.round(seconds * 1000);
        if (!(seconds >= 0 && timestampMs <= MAX_TIMESTAMP_MS)) {
          const text = quoteValue(buf.toString('utf8', timestampStart, timestampEnd));
          this.reject(rejections, 'bad_timestamp', `timestamp ${text} must be Unix seconds (or -1 for now)`);
          return newline;
        }
      }
    }

    // The series is looked up last, so that a line rejected for its value or time creates no series.
    let seriesId = this.ids.getNext(buf, pathStart, pathEnd);
    if (seriesId === -1) {
      const hash = hashPathBytes(buf, pathStart, pathEnd);
      seriesId = this.ids.get(buf, pathStart, pathEnd, hash);
      if (seriesId === -1) {
        seriesId = this.resolveSeries(buf, pathStart, pathEnd, rejections);
        if (seriesId === INVALID_SERIES_ID) return newline;
        this.ids.set(buf, pathStart, pathEnd, hash, seriesId);
      }
    }
    out.push(seriesId, timestampMs, value);
    return newline;
  }

  /** The id of a path not in the cache, or INVALID_SERIES_ID once the line is rejected. */
  private resolveSeries(buf: Buffer, pathStart: number, pathEnd: number, rejections: Rejection[]): number {
    const named = graphitePathKey(buf, pathStart, pathEnd);
    if (!named.ok) {
      this.reject(rejections, 'bad_series', `series ${quoteValue(named.path)} is invalid: ${named.cause}`);
      return INVALID_SERIES_ID;
    }
    const seriesId = this.seriesIds.seriesId(named.key);
    if (seriesId === INVALID_SERIES_ID) this.reject(rejections, 'bad_series', `series ${quoteValue(named.key)} cannot be stored: the store refused its key`);
    return seriesId;
  }

  private rejectTooLong(prefix: string, rejections: Rejection[]): void {
    this.reject(rejections, 'line_too_long', `longer than ${this.maxLineBytes} bytes; it starts ${quoteValue(prefix)}`);
  }

  private reject(rejections: Rejection[], reason: RejectReason, cause: string): void {
    rejections.push({ line: this.lineNumber, reason, message: `line ${this.lineNumber}: ${cause}` });
  }
}

/**
 * Parses a whole Graphite plaintext body (a UDP datagram, a test fixture) at once. Points without a
 * timestamp get `nowMs`.
 */
export function parseGraphiteText(text: string, nowMs: number, maxLineBytes: number = Number.MAX_SAFE_INTEGER): ParsedPoints {
  const seriesIds = new LocalSeriesIds();
  const parser = new GraphiteLineParser({ maxLineBytes, nowMs: () => nowMs, seriesIds });
  const out = new PointBatchBuilder();
  const rejections: Rejection[] = [];
  parser.push(Buffer.from(text, 'utf8'), out, rejections);
  parser.end(out, rejections);
  return { points: seriesIds.keyed(out.finish()), rejections };
}
