import { createHash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';
import type { DriverMessage, RankMessage, RankSetup } from './protocol.js';

/**
 * The control channel between a `vigil train` driver and a `vigil train-agent`: frames of a 4-byte big-endian
 * length and a v8.serialize body (structured clone, so the examples' Float32Arrays travel as raw bytes, not JSON).
 * The driver says hello (with the agent's token when it has one) and waits for welcome; then it launches ranks and
 * relays messages to them, and the agent relays the ranks' messages and exits back.
 */
export const AGENT_PROTOCOL_VERSION = 1;
/** Frames before the hello is accepted: the hello is small, and a stranger cannot make the agent buffer more. */
export const HELLO_FRAME_LIMIT_BYTES = 64 * 1024;
/** Frames after the hello: a launch carries the whole training set. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 * 1024;
/** The length field is 32 bits. */
const LENGTH_FIELD_MAX = 0xffff_ffff;

/** Driver → agent. */
export type DriverFrame =
  | { readonly type: 'hello'; readonly version: number; readonly token?: string; readonly host?: string }
  | { readonly type: 'launch'; readonly setup: RankSetup }
  | { readonly type: 'send'; readonly workerId: number; readonly message: DriverMessage }
  | { readonly type: 'terminate'; readonly workerId: number };

/** Agent → driver. */
export type AgentFrame =
  | { readonly type: 'welcome'; readonly version: number; readonly advertise: string }
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'message'; readonly workerId: number; readonly message: RankMessage }
  | { readonly type: 'exit'; readonly workerId: number; readonly code: number; readonly error?: string }
  | { readonly type: 'error'; readonly name: string; readonly message: string };

/** A peer broke the control channel's rules: a frame over the limit, a body that does not decode, an unknown frame. */
export class AgentProtocolError extends Error {
  override readonly name = 'AgentProtocolError';
}

/** Writes one frame; the body is not copied into the header's buffer. */
export function writeFrame(socket: Socket, frame: DriverFrame | AgentFrame): void {
  const body = serialize(frame);
  if (body.length > LENGTH_FIELD_MAX) throw new AgentProtocolError(`cannot send a frame of ${body.length} bytes: the limit of the length field is ${LENGTH_FIELD_MAX}`);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  socket.cork();
  socket.write(header);
  socket.write(body);
  socket.uncork();
}

/** Splits a byte stream into decoded frames; throws AgentProtocolError on a frame over the limit or one that does not decode. */
export class FrameReader {
  private readonly header = Buffer.alloc(4);
  private headerFill = 0;
  private body: Buffer | null = null;
  private bodyFill = 0;

  constructor(public limitBytes: number) {}

  push(chunk: Buffer): unknown[] {
    const frames: unknown[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.body === null) {
        const n = Math.min(4 - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + n);
        this.headerFill += n;
        offset += n;
        if (this.headerFill < 4) break;
        this.headerFill = 0;
        const length = this.header.readUInt32BE(0);
        if (length > this.limitBytes) throw new AgentProtocolError(`a frame of ${length} bytes is over the limit of ${this.limitBytes} bytes`);
        if (length === 0) throw new AgentProtocolError('malformed frame: empty body');
        // Not from the shared pool: decoded typed arrays may be views of this buffer.
        this.body = Buffer.allocUnsafeSlow(length);
        this.bodyFill = 0;
      }
      const n = Math.min(this.body.length - this.bodyFill, chunk.length - offset);
      chunk.copy(this.body, this.bodyFill, offset, offset + n);
      this.bodyFill += n;
      offset += n;
      if (this.bodyFill === this.body.length) {
        frames.push(decode(this.body));
        this.body = null;
      }
    }
    return frames;
  }
}

function decode(body: Buffer): unknown {
  let value: unknown;
  try {
    value = deserialize(body);
  } catch (err) {
    throw new AgentProtocolError(`malformed frame: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') throw new AgentProtocolError('malformed frame: not an object with a type');
  return value;
}

/** Compares tokens in constant time (hashes first, so their lengths do not show either). */
export function tokensMatch(presented: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** `HOST:PORT` or `[IPV6]:PORT`, as the agent's --listen and the driver's --hosts take it. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses HOST:PORT; `what` names the value in the error (for example `--hosts entry 2`). Port 0 only when allowZeroPort. */
export function parseHostPort(text: string, what: string, allowZeroPort = false): HostPort {
  const bad = (why: string): Error => new Error(`${what} ${JSON.stringify(text)} ${why}`);
  const trimmed = text.trim();
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed) ?? /^([^:[\]\s]+):(\d+)$/.exec(trimmed);
  if (match === null) throw bad('is not HOST:PORT (write an IPv6 address as [ADDRESS]:PORT)');
  const port = Number(match[2]);
  if (!(port <= 65_535) || (port === 0 && !allowZeroPort)) throw bad(`has port ${match[2]}, expected 1-65535`);
  return { host: match[1]!, port };
}

/** A comma-separated HOST:PORT list, every entry checked; the bad entry is named with its position. */
export function parseHostList(text: string, what = '--hosts'): HostPort[] {
  const entries = text.split(',');
  const hosts = entries.map((entry, i) => {
    if (entry.trim() === '') throw new Error(`${what} entry ${i + 1} is empty in ${JSON.stringify(text)}`);
    return parseHostPort(entry, `${what} entry ${i + 1}`);
  });
  return hosts;
}
