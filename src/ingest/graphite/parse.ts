import type { RejectReason, Rejection } from '../../model/index.js';
import { KeyedPointsBuilder } from '../../model/index.js';
import type { ParsedPoints } from '../parsed.js';
import { quoteValue } from '../quote.js';
import { canonicalSeriesKey } from '../series-path.js';
import { isNanLiteral, parseDecimal } from './decimal.js';
import { FNV_OFFSET, FNV_PRIME, SeriesKeyCache } from './key-cache.js';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const FIRST_PRINTABLE = 0x21;
const DEL = 0x7f;
/** Series paths remembered by a parser that is given no shared cache; beyond it the cache starts over. */
const PRIVATE_KEY_CACHE_ENTRIES = 16_384;
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
  /** Cache shared by the parsers of one listener, so every connection benefits from series seen on any. */
  readonly keyCache?: SeriesKeyCache;
}

/**
 * Streaming parser of Graphite's plaintext protocol: `path value [timestamp]` per line, with `path`
 * optionally tagged (`name;k=v;...`). Bytes arrive in chunks cut anywhere; a line cut by a chunk
 * boundary is carried over (bounded by maxLineBytes), so the result does not depend on where the
 * cuts fall. Lines are numbered from 1 across the whole stream.
 */
export class GraphiteLineParser {
  private readonly maxLineBytes: number;
  private readonly nowMs: () => number;
  private readonly keys: SeriesKeyCache;
  /** Start of a line whose newline has not arrived: at most maxLineBytes + 1 bytes (room for a `\r`). */
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
    this.keys = options.keyCache ?? new SeriesKeyCache(PRIVATE_KEY_CACHE_ENTRIES);
  }

  /** Parses every line that `chunk` completes; keeps the unterminated rest for the next call. */
  push(chunk: Buffer, out: KeyedPointsBuilder, rejections: Rejection[]): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      if (this.skipping) {
        if (newline === -1) return;
        this.skipping = false;
      } else if (newline === -1) {
        this.keepPartial(chunk, start, rejections);
        return;
      } else if (this.partialLength > 0) {
        this.completePartial(chunk, start, newline, out, rejections);
      } else {
        this.lineNumber++;
        this.parseLine(chunk, start, newline, out, rejections);
      }
      start = newline + 1;
    }
  }

  /** Parses the last line if the stream ended without a newline, and readies the parser for a new stream. */
  end(out: KeyedPointsBuilder, rejections: Rejection[]): void {
    const length = this.partialLength;
    this.partialLength = 0;
    if (!this.skipping && length > 0) this.parseLine(this.partial, 0, length, out, rejections);
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
    this.reservePartial(length);
    chunk.copy(this.partial, this.partialLength, start);
    this.partialLength = length;
  }

  private completePartial(chunk: Buffer, start: number, newline: number, out: KeyedPointsBuilder, rejections: Rejection[]): void {
    const length = this.partialLength + newline - start;
    if (length > this.maxLineBytes + 1) {
      this.rejectTooLong(this.partialPrefix(chunk, start), rejections);
      this.partialLength = 0;
      return;
    }
    this.reservePartial(length);
    chunk.copy(this.partial, this.partialLength, start, newline);
    this.partialLength = 0;
    this.parseLine(this.partial, 0, length, out, rejections);
  }

  private reservePartial(length: number): void {
    if (this.partial.length >= length) return;
    const capacity = Math.min(this.maxLineBytes + 1, Math.max(length, this.partial.length * 2, SMALLEST_PARTIAL_BYTES));
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

  private parseLine(buf: Buffer, start: number, end: number, out: KeyedPointsBuilder, rejections: Rejection[]): void {
    const lineEnd = end > start && buf[end - 1] === CR ? end - 1 : end;
    if (lineEnd - start > this.maxLineBytes) {
      this.rejectTooLong(buf.toString('utf8', start, start + this.quotedPrefixBytes()), rejections);
      return;
    }
    let i = start;
    while (i < lineEnd && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (i === lineEnd) return;

    const pathStart = i;
    let hash = FNV_OFFSET | 0;
    let plain = true;
    for (; i < lineEnd; i++) {
      const c = buf[i]!;
      if (c === SPACE || c === TAB) break;
      hash = Math.imul(hash ^ c, FNV_PRIME);
      if (c < FIRST_PRINTABLE || c >= DEL || c === SEMICOLON) plain = false;
    }
    const pathEnd = i;
    while (i < lineEnd && (buf[i] === SPACE || buf[i] === TAB)) i++;
    const valueStart = i;
    while (i < lineEnd && buf[i] !== SPACE && buf[i] !== TAB) i++;
    const valueEnd = i;
    while (i < lineEnd && (buf[i] === SPACE || buf[i] === TAB)) i++;
    const timestampStart = i;
    while (i < lineEnd && buf[i] !== SPACE && buf[i] !== TAB) i++;
    const timestampEnd = i;
    while (i < lineEnd && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (valueStart === valueEnd || i !== lineEnd) {
      const line = buf.toString('utf8', start, lineEnd);
      this.reject(rejections, 'malformed_line', `expected "<path> <value> [<timestamp>]", got ${quoteValue(line)}`);
      return;
    }

    let key = this.keys.get(buf, pathStart, pathEnd, hash);
    if (key === undefined) {
      if (plain) {
        // Printable ASCII without ';' is a valid untagged path and its own canonical key.
        key = buf.toString('latin1', pathStart, pathEnd);
      } else {
        const path = buf.toString('utf8', pathStart, pathEnd);
        const canonical = canonicalSeriesKey(path);
        if (!canonical.ok) {
          this.reject(rejections, 'bad_series', `series ${quoteValue(path)} is invalid: ${canonical.cause}`);
          return;
        }
        key = canonical.key;
      }
      this.keys.set(buf, pathStart, pathEnd, hash, key);
    }

    const value = parseDecimal(buf, valueStart, valueEnd);
    if (!Number.isFinite(value)) {
      const text = quoteValue(buf.toString('utf8', valueStart, valueEnd));
      if (isNanLiteral(buf, valueStart, valueEnd)) this.reject(rejections, 'nan_value', `value ${text} is NaN`);
      else if (Number.isNaN(value)) this.reject(rejections, 'bad_value', `value ${text} is not a decimal number`);
      else this.reject(rejections, 'bad_value', `value ${text} is out of range`);
      return;
    }

    let timestampMs: number;
    if (timestampStart === timestampEnd) {
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
          return;
        }
      }
    }
    out.push(key, timestampMs, value);
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
  const parser = new GraphiteLineParser({ maxLineBytes, nowMs: () => nowMs });
  const out = new KeyedPointsBuilder();
  const rejections: Rejection[] = [];
  parser.push(Buffer.from(text, 'utf8'), out, rejections);
  parser.end(out, rejections);
  return { points: out.finish(), rejections };
}
