import type { LogRecord, RejectReason, Rejection } from '../../model/index.js';
import { quoteValue } from '../quote.js';
import type { SyslogContext, SyslogParseResult } from './message.js';
import { parseSyslogMessage } from './message.js';

/** A rejected syslog message: `line` is its number within the stream (from 1), `offsetBytes` where it began. */
export interface SyslogRejection extends Rejection {
  readonly offsetBytes: number;
}

export interface SyslogStreamOptions {
  /** Frames and lines longer than this (without their delimiter) are rejected and skipped. */
  readonly maxMessageBytes: number;
  /** Host given to messages that name none: the peer's address. */
  readonly host: string;
  /** `source` of every record, such as `syslog_tcp`. */
  readonly source: string;
  /** Zone of RFC 3164 timestamps; 0 (UTC) unless configured. */
  readonly utcOffsetMinutes?: number;
  /** The sender, named in rejections (`192.0.2.1:51234`). */
  readonly peer?: string;
}

/**
 * - `detect`: at the start of each message: a digit may open an octet count, anything else a line.
 * - `length`/`length-space`/`body`/`skip-body`: octet counting (RFC 6587 §3.4.1), `MSG-LEN SP MSG`.
 * - `line`/`skip-line`: newline-delimited (RFC 6587 §3.4.2).
 */
type State = 'detect' | 'length' | 'length-space' | 'body' | 'skip-body' | 'line' | 'skip-line';

/** The framing of a connection's first message: how strictly a later message starting with a digit is read. */
type Framing = 'unknown' | 'octet-counting' | 'newline';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const NUL = 0x00;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const LESS_THAN = 0x3c;
/** MSG-LEN digits read before the frame is declared broken: more than any sane frame needs. */
const MAX_LENGTH_DIGITS = 10;
const SMALLEST_PENDING_BYTES = 256;
const QUOTED_PREFIX_BYTES = 100;

/**
 * Streaming syslog-over-TCP parser for one connection. The framing is detected per message, as rsyslog
 * does, so one connection may mix both: a message starting with a digit is octet-counted, anything else
 * runs to the next newline. Once a connection is newline-delimited (its first message was a line), a
 * message starting with digits is octet-counted only if it reads `MSG-LEN SP <`, so that plain lines
 * such as `2024-01-01 ...` stay lines. Bytes arrive in chunks cut anywhere, and a message cut by a chunk
 * boundary is carried over (bounded by maxMessageBytes), so the result does not depend on where the
 * cuts fall. On an octet-counted connection a broken count loses the framing: the rest of that line is
 * rejected and skipped, and the framing detected again.
 */
export class SyslogStreamParser {
  private readonly options: SyslogStreamOptions;
  private state: State = 'detect';
  private framing: Framing = 'unknown';
  /** Bytes of the stream consumed before the current chunk. */
  private streamOffset = 0;
  private messageNumber = 0;
  private messageOffset = 0;
  /** MSG-LEN being read, and its digit count. */
  private frameLength = 0;
  private lengthDigits = 0;
  /** Bytes of the current frame body still to come (octet counting). */
  private remaining = 0;
  /** Start of a message whose end has not arrived: at most maxMessageBytes + 1 bytes (room for a `\r`). */
  private pending = Buffer.alloc(0);
  private pendingLength = 0;

  constructor(options: SyslogStreamOptions) {
    if (!Number.isInteger(options.maxMessageBytes) || options.maxMessageBytes <= 0) {
      throw new Error(`cannot create syslog parser: maxMessageBytes must be a positive integer, got ${options.maxMessageBytes}`);
    }
    this.options = options;
  }

  /** Parses every message that `chunk` completes, dating undated ones at `receivedAtMs`; keeps the rest. */
  push(chunk: Buffer, receivedAtMs: number, out: LogRecord[], rejections: SyslogRejection[]): void {
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'detect': {
          const c = chunk[i]!;
          if (c === LF || c === CR || c === NUL) {
            i++;
            break;
          }
          if (c >= DIGIT_1 && c <= DIGIT_9) {
            this.state = 'length';
          } else {
            if (this.framing === 'unknown') this.framing = 'newline';
            this.state = 'line';
          }
          break;
        }
        case 'length':
          i = this.readLength(chunk, i, rejections);
          break;
        case 'length-space':
          // `MSG-LEN SP` on a newline-delimited connection: a frame only if a PRI follows.
          if (chunk[i] === LESS_THAN) this.beginFrame(rejections);
          else this.lineFromLength(true);
          break;
        case 'body':
          i = this.readBody(chunk, i, receivedAtMs, out, rejections);
          break;
        case 'skip-body': {
          const taken = Math.min(this.remaining, chunk.length - i);
          this.remaining -= taken;
          i += taken;
          if (this.remaining === 0) this.state = 'detect';
          break;
        }
        case 'line':
          i = this.readLine(chunk, i, receivedAtMs, out, rejections);
          break;
        case 'skip-line': {
          const newline = chunk.indexOf(LF, i);
          if (newline === -1) {
            i = chunk.length;
          } else {
            i = newline + 1;
            this.state = 'detect';
          }
          break;
        }
      }
    }
    this.streamOffset += chunk.length;
  }

  /** Ends the stream: parses a last line left without its newline, reports a frame cut short, and resets. */
  end(receivedAtMs: number, out: LogRecord[], rejections: SyslogRejection[]): void {
    if (this.state === 'length-space' || (this.state === 'length' && this.lengthDigits > 0 && this.framing !== 'octet-counting')) {
      this.lineFromLength(this.state === 'length-space');
    }
    if (this.state === 'line' && this.pendingLength > 0) {
      this.emit(this.pending, 0, this.pendingLength, receivedAtMs, out, rejections);
    } else if (this.state === 'body') {
      this.reject(rejections, 'malformed_line', `stream ended inside a frame: got ${this.frameLength - this.remaining} of ${this.frameLength} bytes`);
    } else if (this.state === 'length' && this.lengthDigits > 0) {
      this.reject(rejections, 'malformed_line', `stream ended inside a frame length ("${this.frameLength}")`);
    }
    this.state = 'detect';
    this.framing = 'unknown';
    this.streamOffset = 0;
    this.messageNumber = 0;
    this.pendingLength = 0;
    this.lengthDigits = 0;
    this.frameLength = 0;
  }

  /** Reads MSG-LEN from its first digit on (`detect` saw a digit 1-9). */
  private readLength(chunk: Buffer, start: number, rejections: SyslogRejection[]): number {
    let i = start;
    if (this.lengthDigits === 0) this.beginMessage(i);
    while (i < chunk.length) {
      const c = chunk[i]!;
      if (c >= DIGIT_0 && c <= DIGIT_9 && this.lengthDigits < MAX_LENGTH_DIGITS) {
        this.frameLength = this.frameLength * 10 + (c - DIGIT_0);
        this.lengthDigits++;
        i++;
        continue;
      }
      if (c === SPACE) {
        if (this.framing === 'octet-counting') this.beginFrame(rejections);
        else this.state = 'length-space';
        return i + 1;
      }
      if (this.framing !== 'octet-counting') {
        // Not a count after all: the digits start a line, and this byte goes on it.
        this.lineFromLength(false);
        return i;
      }
      const got = c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `byte 0x${c.toString(16).padStart(2, '0')}`;
      this.reject(rejections, 'malformed_line', `bad frame length "${this.frameLength}" followed by ${JSON.stringify(got)}: expected octet counting "LEN SP MSG"`);
      this.lengthDigits = 0;
      this.frameLength = 0;
      this.state = c === LF ? 'detect' : 'skip-line';
      return i + 1;
    }
    return i;
  }

  /** MSG-LEN and its space are read: the body follows. */
  private beginFrame(rejections: SyslogRejection[]): void {
    const length = this.frameLength;
    if (this.framing === 'unknown') this.framing = 'octet-counting';
    this.lengthDigits = 0;
    this.remaining = length;
    if (length > this.options.maxMessageBytes) {
      this.reject(rejections, 'line_too_long', `frame of ${length} bytes is longer than ${this.options.maxMessageBytes} bytes`);
      this.frameLength = 0;
      this.state = 'skip-body';
    } else {
      this.pendingLength = 0;
      this.state = 'body';
    }
  }

  /** The digits read as MSG-LEN (and the space after them) begin a line instead. */
  private lineFromLength(withSpace: boolean): void {
    const text = withSpace ? `${this.frameLength} ` : String(this.frameLength);
    this.pendingLength = 0;
    this.append(Buffer.from(text, 'latin1'), 0, text.length);
    this.lengthDigits = 0;
    this.frameLength = 0;
    if (this.framing === 'unknown') this.framing = 'newline';
    this.state = 'line';
  }

  private readBody(chunk: Buffer, start: number, receivedAtMs: number, out: LogRecord[], rejections: SyslogRejection[]): number {
    const available = chunk.length - start;
    if (this.pendingLength === 0 && available >= this.remaining) {
      const end = start + this.remaining;
      this.finishFrame();
      this.emit(chunk, start, end, receivedAtMs, out, rejections);
      return end;
    }
    const taken = Math.min(available, this.remaining);
    this.append(chunk, start, start + taken);
    this.remaining -= taken;
    if (this.remaining === 0) {
      const length = this.pendingLength;
      this.finishFrame();
      this.emit(this.pending, 0, length, receivedAtMs, out, rejections);
    }
    return start + taken;
  }

  private finishFrame(): void {
    this.pendingLength = 0;
    this.frameLength = 0;
    this.remaining = 0;
    this.state = 'detect';
  }

  private readLine(chunk: Buffer, start: number, receivedAtMs: number, out: LogRecord[], rejections: SyslogRejection[]): number {
    if (this.pendingLength === 0) this.beginMessage(start);
    const newline = chunk.indexOf(LF, start);
    const end = newline === -1 ? chunk.length : newline;
    const limit = this.options.maxMessageBytes + 1;
    if (this.pendingLength + end - start > limit) {
      const prefix = Buffer.concat([
        this.pending.subarray(0, Math.min(this.pendingLength, QUOTED_PREFIX_BYTES)),
        chunk.subarray(start, start + QUOTED_PREFIX_BYTES),
      ]).subarray(0, QUOTED_PREFIX_BYTES);
      this.reject(rejections, 'line_too_long', `longer than ${this.options.maxMessageBytes} bytes; it starts ${quoteValue(prefix.toString('utf8'))}`);
      this.pendingLength = 0;
      if (newline === -1) {
        this.state = 'skip-line';
        return chunk.length;
      }
      this.state = 'detect';
      return newline + 1;
    }
    if (newline === -1) {
      this.append(chunk, start, end);
      return chunk.length;
    }
    if (this.pendingLength === 0) {
      this.emit(chunk, start, end, receivedAtMs, out, rejections);
    } else {
      this.append(chunk, start, end);
      const length = this.pendingLength;
      this.pendingLength = 0;
      this.emit(this.pending, 0, length, receivedAtMs, out, rejections);
    }
    this.state = 'detect';
    return newline + 1;
  }

  private beginMessage(index: number): void {
    this.messageNumber++;
    this.messageOffset = this.streamOffset + index;
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const length = this.pendingLength + end - start;
    if (this.pending.length < length) {
      const capacity = Math.min(this.options.maxMessageBytes + 1, Math.max(length, this.pending.length * 2, SMALLEST_PENDING_BYTES));
      const grown = Buffer.allocUnsafe(Math.max(capacity, length));
      this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    chunk.copy(this.pending, this.pendingLength, start, end);
    this.pendingLength = length;
  }

  private emit(buf: Buffer, start: number, end: number, receivedAtMs: number, out: LogRecord[], rejections: SyslogRejection[]): void {
    // A line may hold maxMessageBytes + 1 bytes while its `\r` is unknown; without it, it must fit.
    const length = end > start && buf[end - 1] === CR ? end - start - 1 : end - start;
    if (length > this.options.maxMessageBytes) {
      const prefix = buf.toString('utf8', start, start + Math.min(length, QUOTED_PREFIX_BYTES));
      this.reject(rejections, 'line_too_long', `longer than ${this.options.maxMessageBytes} bytes; it starts ${quoteValue(prefix)}`);
      return;
    }
    const result = parseFramedMessage(buf, start, end, receivedAtMs, this.options);
    if (result === undefined) return;
    if (result.ok) out.push(result.record);
    else this.reject(rejections, result.reason, result.cause);
  }

  private reject(rejections: SyslogRejection[], reason: RejectReason, cause: string): void {
    const line = this.messageNumber;
    const offsetBytes = this.messageOffset;
    const from = this.options.peer === undefined ? '' : ` from ${this.options.peer}`;
    rejections.push({ line, offsetBytes, reason, message: `cannot parse syslog message ${line} (byte ${offsetBytes})${from}: ${cause}` });
  }
}

/** Parses buf[start, end) without trailing CR, LF or NUL; undefined for an empty message (nothing to keep). */
function parseFramedMessage(
  buf: Buffer,
  start: number,
  end: number,
  receivedAtMs: number,
  options: Omit<SyslogContext, 'receivedAtMs'>,
): SyslogParseResult | undefined {
  let stop = end;
  while (stop > start && (buf[stop - 1] === LF || buf[stop - 1] === CR || buf[stop - 1] === NUL)) stop--;
  if (stop === start) return undefined;
  const context: SyslogContext = { receivedAtMs, host: options.host, source: options.source };
  if (options.utcOffsetMinutes !== undefined) return parseSyslogMessage(buf.toString('utf8', start, stop), { ...context, utcOffsetMinutes: options.utcOffsetMinutes });
  return parseSyslogMessage(buf.toString('utf8', start, stop), context);
}

/**
 * Parses one syslog-over-UDP datagram: exactly one message (RFC 5426), a trailing newline ignored.
 * An empty datagram gives neither record nor rejection.
 */
export function parseSyslogDatagram(datagram: Buffer, context: SyslogContext): SyslogParseResult | undefined {
  return parseFramedMessage(datagram, 0, datagram.length, context.receivedAtMs, context);
}
