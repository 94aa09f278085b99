import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHecEvents, parseJsonLogLines, SyslogStreamParser, type SyslogRejection } from '../ingest/index.js';
import type { LogRecord, Rejection } from '../model/index.js';
import { fleetHosts, recordedLogLines, syntheticLogLines, type BenchLogLine } from './log-lines.js';
import { buildLogLoad } from './log-load.js';
import { LOG_SHAPES } from './log-shapes.js';

const END_MS = Date.UTC(2024, 5, 1, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'vigil-log-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What every protocol carries of a line, as the server's parsers give it back. */
function carried(line: BenchLogLine): Pick<LogRecord, 'timestampMs' | 'host' | 'severity' | 'message'> {
  return { timestampMs: line.timestampMs, host: line.host, severity: line.severity, message: line.message };
}

/** The lines in the order connection `c` of `connections` sends them: batches dealt in turn. */
function linesOfConnection(lines: readonly BenchLogLine[], c: number, connections: number, batchRecords: number): BenchLogLine[] {
  return lines.filter((_, i) => Math.floor(i / batchRecords) % connections === c);
}

describe('synthetic log lines', () => {
  const lines = syntheticLogLines({ records: 20_000, hosts: 50, endMs: END_MS });

  it('are the same on every run, and another seed gives others', () => {
    expect(syntheticLogLines({ records: 20_000, hosts: 50, endMs: END_MS })).toEqual(lines);
    expect(syntheticLogLines({ records: 1_000, hosts: 50, endMs: END_MS }, 7).map((l) => l.message)).not.toEqual(lines.slice(0, 1_000).map((l) => l.message));
  });

  it('come from every host and most shapes, 1 ms apart ending at endMs, at several severities', () => {
    expect(new Set(lines.map((l) => l.host))).toEqual(new Set(fleetHosts(50)));
    expect(new Set(lines.map((l) => `${l.source} ${l.severity}`)).size).toBeGreaterThan(20);
    expect(lines[0]!.timestampMs).toBe(END_MS - 19_999);
    expect(lines.at(-1)!.timestampMs).toBe(END_MS);
    expect(new Set(lines.map((l) => l.severity))).toEqual(new Set(['critical', 'error', 'warning', 'notice', 'info', 'debug']));
    // Values vary: far more distinct lines than shapes.
    expect(new Set(lines.map((l) => l.message)).size).toBeGreaterThan(19_000);
    expect(LOG_SHAPES.length).toBeGreaterThanOrEqual(36);
  });

  it('keep each shape on hosts of its role, and use any host when the fleet has none of it', () => {
    const roles = new Map(LOG_SHAPES.map((s) => [`${s.source} ${s.app}`, s.role]));
    const strays = lines.filter((l) => !l.host.startsWith(`${roles.get(`${l.source} ${l.app}`)}-`));
    expect(strays).toEqual([]);
    const small = syntheticLogLines({ records: 2_000, hosts: 2, endMs: END_MS });
    expect(new Set(small.map((l) => l.host))).toEqual(new Set(['web-01', 'app-01']));
    expect(small.some((l) => l.app === 'sshd')).toBe(true);
  });

  it('refuse counts that are not positive integers', () => {
    expect(() => syntheticLogLines({ records: 0, hosts: 5, endMs: END_MS })).toThrow(/records must be a positive integer, got 0/);
    expect(() => syntheticLogLines({ records: 10, hosts: 1.5, endMs: END_MS })).toThrow(/hosts must be a positive integer, got 1.5/);
  });
});

describe('log loads parse back with the server parsers', () => {
  const lines = syntheticLogLines({ records: 2_500, hosts: 13, endMs: END_MS });

  it('hec: concatenated envelopes, batchRecords per body, batches dealt to connections in turn', () => {
    const load = buildLogLoad(lines, 'hec', { connections: 3, batchRecords: 400 });
    expect(load.connections.map((bodies) => bodies.length)).toEqual([3, 2, 2]);
    for (let c = 0; c < 3; c++) {
      const records = load.connections[c]!.flatMap((body) => {
        const parsed = parseHecEvents(body.toString('utf8'), { receivedAtMs: 0, host: 'default', source: 'default' });
        expect(parsed.error).toBeUndefined();
        return parsed.records;
      });
      const expected = linesOfConnection(lines, c, 3, 400);
      expect(records.map((r) => ({ timestampMs: r.timestampMs, host: r.host, severity: r.severity, message: r.message }))).toEqual(expected.map(carried));
      expect(records.map((r) => [r.source, r.sourcetype])).toEqual(expected.map((l) => [l.source, l.sourcetype]));
    }
    expect(load.wireBytes).toBe(load.connections.flat().reduce((sum, b) => sum + b.length, 0));
  });

  it('syslog: RFC 5424 octet-counted frames, whatever the cuts in the stream', () => {
    const load = buildLogLoad(lines, 'syslog', { connections: 2, batchRecords: 300 });
    expect(load.connections).toHaveLength(2);
    for (let c = 0; c < 2; c++) {
      const stream = Buffer.concat(load.connections[c]!);
      const parser = new SyslogStreamParser({ maxMessageBytes: 64 * 1024, host: 'peer', source: 'syslog_tcp' });
      const records: LogRecord[] = [];
      const rejections: SyslogRejection[] = [];
      for (let offset = 0; offset < stream.length; offset += 777) parser.push(stream.subarray(offset, offset + 777), 0, records, rejections);
      parser.end(0, records, rejections);
      expect(rejections).toEqual([]);
      const expected = linesOfConnection(lines, c, 2, 300);
      expect(records.map((r) => ({ timestampMs: r.timestampMs, host: r.host, severity: r.severity, message: r.message }))).toEqual(expected.map(carried));
      expect(records.map((r) => [r.appName, r.procId])).toEqual(expected.map((l) => [l.app, String(l.procId)]));
    }
  });

  it('api: JSON lines, every one accepted', () => {
    const load = buildLogLoad(lines, 'api', { connections: 4, batchRecords: 1_000 });
    // Three batches: the fourth connection would have nothing to send.
    expect(load.connections.map((bodies) => bodies.length)).toEqual([1, 1, 1]);
    const records: LogRecord[] = [];
    const rejections: Rejection[] = [];
    for (const body of load.connections.flat()) {
      const parsed = parseJsonLogLines(body.toString('utf8'), { receivedAtMs: 0, host: 'default', source: 'api' });
      records.push(...parsed.records);
      rejections.push(...parsed.rejections);
    }
    expect(rejections).toEqual([]);
    expect(records.map((r) => ({ timestampMs: r.timestampMs, host: r.host, severity: r.severity, message: r.message }))).toEqual(lines.map(carried));
    expect(records.map((r) => r.appName)).toEqual(lines.map((l) => l.app));
  });

  it('count the raw text as the messages with a newline each', () => {
    const load = buildLogLoad(lines, 'syslog', { connections: 4, batchRecords: 1_000 });
    expect(load.records).toBe(2_500);
    expect(load.rawBytes).toBe(lines.reduce((sum, l) => sum + Buffer.byteLength(l.message) + 1, 0));
  });

  it('carry text beyond ASCII intact', () => {
    const line: BenchLogLine = { ...lines[0]!, message: 'Ünïcödé ✓ "quoted" \\ back\tslash' };
    const hec = buildLogLoad([line], 'hec', { connections: 1, batchRecords: 10 });
    expect(parseHecEvents(hec.connections[0]![0]!.toString('utf8'), { receivedAtMs: 0, host: 'h', source: 's' }).records[0]!.message).toBe(line.message);
    const syslog = buildLogLoad([line], 'syslog', { connections: 1, batchRecords: 10 });
    const records: LogRecord[] = [];
    new SyslogStreamParser({ maxMessageBytes: 1024, host: 'peer', source: 'syslog_tcp' }).push(syslog.connections[0]![0]!, 0, records, []);
    expect(records[0]!.message).toBe(line.message);
  });
});

describe('recorded log lines', () => {
  it('replay a plain file in order, cycling to the records asked for, levels read from the text', () => {
    const file = join(dir, 'app.log');
    writeFileSync(file, 'first INFO line\r\n\nsecond ERROR line\nthird WARN line\n');
    const lines = recordedLogLines(file, { records: 5, hosts: 2, endMs: END_MS });
    expect(lines.map((l) => [l.message, l.severity, l.host])).toEqual([
      ['first INFO line', 'info', 'web-01'],
      ['second ERROR line', 'error', 'app-01'],
      ['third WARN line', 'warning', 'web-01'],
      ['first INFO line', 'info', 'app-01'],
      ['second ERROR line', 'error', 'web-01'],
    ]);
    expect(lines.map((l) => l.timestampMs)).toEqual([END_MS - 4, END_MS - 3, END_MS - 2, END_MS - 1, END_MS]);
    expect(recordedLogLines(file, { hosts: 1, endMs: END_MS })).toHaveLength(3);
  });

  it('take the Content column of a Loghub CSV file', () => {
    const file = join(dir, 'Tiny_2k.log_structured_corrected.csv');
    writeFileSync(file, 'LineId,Content,EventId\n1,"Receiving block blk_1, size 5",E1\n2,PacketResponder 1 terminating,E2\n');
    expect(recordedLogLines(file, { hosts: 3, endMs: END_MS }).map((l) => [l.message, l.sourcetype])).toEqual([
      ['Receiving block blk_1, size 5', 'Tiny_2k.log_structured_corrected'],
      ['PacketResponder 1 terminating', 'Tiny_2k.log_structured_corrected'],
    ]);
  });

  it('name a file without lines', () => {
    const file = join(dir, 'empty.log');
    writeFileSync(file, '\n\n');
    expect(() => recordedLogLines(file, { hosts: 1, endMs: END_MS })).toThrow(`cannot replay ${file}: it holds no log line`);
  });
});
