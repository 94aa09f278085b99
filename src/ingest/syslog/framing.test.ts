import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../model/index.js';
import type { SyslogRejection } from './framing.js';
import { SyslogStreamParser, parseSyslogDatagram } from './framing.js';

const RECEIVED_AT_MS = Date.UTC(2024, 5, 15, 12, 0, 0);
const options = { maxMessageBytes: 120, host: '198.51.100.4', source: 'syslog_tcp' };

interface Parsed {
  records: LogRecord[];
  rejections: SyslogRejection[];
}

/** Feeds `stream` to one parser cut into the given pieces. */
function feed(stream: Buffer, cuts: number[]): Parsed {
  const parser = new SyslogStreamParser(options);
  const records: LogRecord[] = [];
  const rejections: SyslogRejection[] = [];
  let start = 0;
  for (const cut of [...cuts, stream.length]) {
    parser.push(stream.subarray(start, cut), RECEIVED_AT_MS, records, rejections);
    start = cut;
  }
  parser.end(RECEIVED_AT_MS, records, rejections);
  return { records, rejections };
}

function octetFrame(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}

/** Every single cut, and every byte on its own, give what the whole stream gives at once. */
function expectCutIndependent(stream: Buffer): Parsed {
  const whole = feed(stream, []);
  for (let cut = 1; cut < stream.length; cut++) expect(feed(stream, [cut]), `cut at byte ${cut}`).toEqual(whole);
  expect(feed(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1))).toEqual(whole);
  return whole;
}

const M1 = '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed';
const M2 = '<165>1 2003-10-11T22:14:15.003Z h evntslog - ID47 [x@1 a="ü \\"q\\""] événement';
const M3 = '<30>Jun 15 10:00:01 web01 systemd[1]: Started.';

describe('octet-counted framing (RFC 6587)', () => {
  it('parses frames cut anywhere, multi-byte characters included', () => {
    const stream = Buffer.from(octetFrame(M1) + octetFrame(M2) + octetFrame(M3));
    const { records, rejections } = expectCutIndependent(stream);
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(["'su root' failed", 'événement', 'Started.']);
    expect(records[1]!.fields).toEqual({ 'x@1.a': 'ü "q"' });
  });

  it('keeps newlines inside a frame and tolerates a newline after each frame', () => {
    const stream = Buffer.from(`${octetFrame('<13>1 - h a - - - line one\nline two')}\n${octetFrame(M3)}\r\n`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(['line one\nline two', 'Started.']);
  });

  it('rejects a malformed message, names it and keeps the rest', () => {
    const stream = Buffer.from(octetFrame(M1) + octetFrame('<999>1 - - - - - - x') + octetFrame(M3));
    const { records, rejections } = expectCutIndependent(stream);
    expect(records.map((r) => r.message)).toEqual(["'su root' failed", 'Started.']);
    const offset = Buffer.byteLength(octetFrame(M1));
    expect(rejections).toEqual([
      { line: 2, offsetBytes: offset, reason: 'malformed_line', message: `cannot parse syslog message 2 (byte ${offset}): bad PRI "<999>": expected <0> to <191>` },
    ]);
  });

  it('skips a frame longer than maxMessageBytes exactly, and goes on', () => {
    const long = `<13>1 - - - - - - ${'x'.repeat(200)}`;
    const stream = Buffer.from(octetFrame(M1) + octetFrame(long) + octetFrame(M3));
    const { records, rejections } = expectCutIndependent(stream);
    expect(records.map((r) => r.message)).toEqual(["'su root' failed", 'Started.']);
    expect(rejections.map((r) => [r.line, r.reason, r.message])).toEqual([
      [2, 'line_too_long', `cannot parse syslog message 2 (byte ${Buffer.byteLength(octetFrame(M1))}): frame of 218 bytes is longer than 120 bytes`],
    ]);
  });

  it('a broken length loses the framing until the next line, then detects it again', () => {
    const stream = Buffer.from(`${octetFrame(M1)}12x garbage\n${octetFrame(M3)}`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(records.map((r) => r.message)).toEqual(["'su root' failed", 'Started.']);
    expect(rejections.map((r) => r.message)).toEqual([
      `cannot parse syslog message 2 (byte ${Buffer.byteLength(octetFrame(M1))}): bad frame length "12" followed by "x": expected octet counting "LEN SP MSG"`,
    ]);
  });

  it('names the sender in rejections when told who it is', () => {
    const parser = new SyslogStreamParser({ ...options, peer: '198.51.100.4:51234' });
    const rejections: SyslogRejection[] = [];
    parser.push(Buffer.from(octetFrame('<999>1 - - - - - - x')), RECEIVED_AT_MS, [], rejections);
    expect(rejections.map((r) => r.message)).toEqual(['cannot parse syslog message 1 (byte 0) from 198.51.100.4:51234: bad PRI "<999>": expected <0> to <191>']);
  });

  it('reports a stream that ends inside a frame', () => {
    const stream = Buffer.from(octetFrame(M3) + octetFrame(M1).slice(0, 20));
    const { records, rejections } = expectCutIndependent(stream);
    expect(records).toHaveLength(1);
    expect(rejections.map((r) => r.message)).toEqual([`cannot parse syslog message 2 (byte ${Buffer.byteLength(octetFrame(M3))}): stream ended inside a frame: got 17 of ${Buffer.byteLength(M1)} bytes`]);
  });
});

describe('newline-delimited framing', () => {
  it('parses lines cut anywhere, CRLF and a last line without newline included', () => {
    const stream = Buffer.from(`${M1}\r\n${M2}\n\n${M3}`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(["'su root' failed", 'événement', 'Started.']);
    expect(records[2]).toMatchObject({ host: 'web01', appName: 'systemd', procId: '1', source: 'syslog_tcp' });
  });

  it('PRI-less lines are kept as info/user messages from the peer', () => {
    const { records } = expectCutIndependent(Buffer.from('plain text line\n2024-01-01 starts with a digit\n'));
    expect(records.map((r) => [r.message, r.severity, r.facility, r.host, r.timestampMs])).toEqual([
      ['plain text line', 'info', 'user', '198.51.100.4', RECEIVED_AT_MS],
      ['2024-01-01 starts with a digit', 'info', 'user', '198.51.100.4', RECEIVED_AT_MS],
    ]);
  });

  it('rejects an over-long line and a bad one with their line numbers and offsets, keeping the others', () => {
    const long = `<13>${'y'.repeat(300)}`;
    const bad = '<13>1 2024-99-01T00:00:00Z h a p m - x';
    const stream = Buffer.from(`${M3}\n${long}\n${bad}\n${M1}\n`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(records.map((r) => r.message)).toEqual(['Started.', "'su root' failed"]);
    expect(rejections.map((r) => [r.line, r.offsetBytes, r.reason])).toEqual([
      [2, M3.length + 1, 'line_too_long'],
      [3, M3.length + long.length + 2, 'bad_timestamp'],
    ]);
    expect(rejections[1]!.message).toBe(`cannot parse syslog message 3 (byte ${M3.length + long.length + 2}): bad timestamp "2024-99-01T00:00:00Z": no such date`);
  });

  it('a line of exactly maxMessageBytes is kept, one byte more is not', () => {
    const fits = `<13>${'z'.repeat(options.maxMessageBytes - 4)}`;
    const { records, rejections } = expectCutIndependent(Buffer.from(`${fits}\r\n${fits}z\n`));
    expect(records.map((r) => r.message.length)).toEqual([options.maxMessageBytes - 4]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[2, 'line_too_long']]);
  });
});

describe('mixed framing in one connection', () => {
  it('reads lines between octet-counted frames, cut anywhere', () => {
    const stream = Buffer.from(`${octetFrame(M1)}${M3}\n${octetFrame(M2)}\n${M1}\r\n${octetFrame(M3)}`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(["'su root' failed", 'Started.', 'événement', "'su root' failed", 'Started.']);
  });

  it('on a newline-delimited connection, digits are a count only before "SP <"; other digit lines stay lines', () => {
    const framed = octetFrame('<13>1 - h a - - - one\ntwo');
    const stream = Buffer.from(`${M3}\n${framed}12 apples\n2024-01-01 x\n${framed}\n12345678901234 long number\n42`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(['Started.', 'one\ntwo', '12 apples', '2024-01-01 x', 'one\ntwo', '12345678901234 long number', '42']);
    expect(records.map((r) => r.severity)).toEqual(['info', 'notice', 'info', 'info', 'notice', 'info', 'info']);
  });

  it('a connection whose first message is digits without "SP <" is newline-delimited', () => {
    const { records, rejections } = expectCutIndependent(Buffer.from(`5 hello\n${M3}\n7 `));
    expect(rejections).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(['5 hello', 'Started.', '7 ']);
  });

  it('numbers messages, not lines, across both framings', () => {
    const stream = Buffer.from(`${M3}\n\n${octetFrame('<13>1 bad - - - -')}${M3}\n`);
    const { records, rejections } = expectCutIndependent(stream);
    expect(records).toHaveLength(2);
    expect(rejections.map((r) => [r.line, r.offsetBytes, r.reason])).toEqual([[2, M3.length + 2, 'bad_timestamp']]);
  });
});

describe('UDP datagrams', () => {
  it('one message per datagram, trailing newline ignored, empty ones dropped', () => {
    const context = { receivedAtMs: RECEIVED_AT_MS, host: '203.0.113.9', source: 'syslog_udp' };
    const result = parseSyslogDatagram(Buffer.from(`${M3}\n`), context);
    expect(result).toMatchObject({ ok: true, record: { message: 'Started.', host: 'web01', source: 'syslog_udp' } });
    expect(parseSyslogDatagram(Buffer.from('\n'), context)).toBeUndefined();
    expect(parseSyslogDatagram(Buffer.from('<13>1 x'), context)).toMatchObject({ ok: false, reason: 'bad_timestamp' });
  });

  it('refuses a parser without a positive maxMessageBytes', () => {
    expect(() => new SyslogStreamParser({ ...options, maxMessageBytes: 0 })).toThrow('cannot create syslog parser: maxMessageBytes must be a positive integer, got 0');
  });
});
