import { describe, expect, it } from 'vitest';
import type { KeyedPoints, PointBatch, Rejection } from '../../model/index.js';
import { INVALID_SERIES_ID, PointBatchBuilder } from '../../model/index.js';
import { LocalSeriesIds } from '../local-series-ids.js';
import { GraphiteLineParser, parseGraphiteText } from './parse.js';

interface Parsed {
  points: { key: string; timestampMs: number; value: number }[];
  rejections: Rejection[];
}

function rows(points: KeyedPoints): Parsed['points'] {
  return Array.from({ length: points.length }, (_, i) => ({ key: points.keys[i]!, timestampMs: points.timestampsMs[i]!, value: points.values[i]! }));
}

/** A parser whose series get ids in memory, and the way back from ids to keys. */
function newParser(options: { maxLineBytes: number; nowMs: () => number }): { parser: GraphiteLineParser; keyed: (batch: PointBatch) => KeyedPoints } {
  const seriesIds = new LocalSeriesIds();
  return { parser: new GraphiteLineParser({ ...options, seriesIds }), keyed: (batch) => seriesIds.keyed(batch) };
}

/** Feeds `bytes` to one parser cut at the given offsets. */
function parseChunks(bytes: Buffer, cuts: number[], maxLineBytes: number, nowMs = () => 5_000): Parsed {
  const { parser, keyed } = newParser({ maxLineBytes, nowMs });
  const out = new PointBatchBuilder(4);
  const rejections: Rejection[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.push(bytes.subarray(start, cut), out, rejections);
    start = cut;
  }
  parser.end(out, rejections);
  return { points: rows(keyed(out.finish())), rejections };
}

const SAMPLE = Buffer.from(
  [
    'servers.web01.cpu 12.5 1700000000',
    'servers.web01.mem\t\t-3e2   1700000001.25\r',
    '',
    'disk;host=b;dc=x 7 -1',
    'temp;unit=°C;room=ü 21.5',
    'bad.value abc 1700000002',
    'x'.repeat(70) + ' 1 1700000003',
    'ok.after.long 1 1700000004',
    'nan.metric NaN 1700000005',
    'only.path',
    '   ',
    'final.line 0.001 1700000006',
  ].join('\n'),
  'utf8',
);
const SAMPLE_MAX_LINE_BYTES = 60;

describe('GraphiteLineParser', () => {
  it('parses a mixed stream, keeping good lines and numbering the rejected ones', () => {
    const result = parseChunks(SAMPLE, [], SAMPLE_MAX_LINE_BYTES);
    expect(result.points).toEqual([
      { key: 'servers.web01.cpu', timestampMs: 1_700_000_000_000, value: 12.5 },
      { key: 'servers.web01.mem', timestampMs: 1_700_000_001_250, value: -300 },
      { key: 'disk;dc=x;host=b', timestampMs: 5_000, value: 7 },
      { key: 'temp;room=ü;unit=°C', timestampMs: 5_000, value: 21.5 },
      { key: 'ok.after.long', timestampMs: 1_700_000_004_000, value: 1 },
      { key: 'final.line', timestampMs: 1_700_000_006_000, value: 0.001 },
    ]);
    expect(result.rejections.map((r) => [r.line, r.reason])).toEqual([
      [6, 'bad_value'],
      [7, 'line_too_long'],
      [9, 'nan_value'],
      [10, 'malformed_line'],
    ]);
    expect(result.rejections[0]!.message).toBe('line 6: value "abc" is not a decimal number');
    expect(result.rejections[1]!.message).toBe(`line 7: longer than 60 bytes; it starts "${'x'.repeat(61)}"`);
    expect(result.rejections[3]!.message).toBe('line 10: expected "<path> <value> [<timestamp>]", got "only.path"');
  });

  it('gives the same result wherever the stream is cut in two', () => {
    const whole = parseChunks(SAMPLE, [], SAMPLE_MAX_LINE_BYTES);
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      expect(parseChunks(SAMPLE, [cut], SAMPLE_MAX_LINE_BYTES), `cut at byte ${cut}`).toEqual(whole);
    }
  });

  it('gives the same result when fed one byte at a time', () => {
    const whole = parseChunks(SAMPLE, [], SAMPLE_MAX_LINE_BYTES);
    const cuts = Array.from({ length: SAMPLE.length - 1 }, (_, i) => i + 1);
    expect(parseChunks(SAMPLE, cuts, SAMPLE_MAX_LINE_BYTES)).toEqual(whole);
  });

  it('canonicalises tagged paths whatever the tag order', () => {
    const { points, rejections } = parseGraphiteText('cpu;z=1;a=2 1 10\ncpu;a=2;z=1 2 20\ncpu 3 30\n', 0);
    expect(rejections).toEqual([]);
    expect(points.keys).toEqual(['cpu;a=2;z=1', 'cpu;a=2;z=1', 'cpu']);
  });

  it('rejects invalid series as bad_series and keeps the rest', () => {
    const { points, rejections } = parseGraphiteText('cpu;=1 1 10\ncpu;a=x~y 1 10\nmem 2 20\n', 0);
    expect(points.keys).toEqual(['mem']);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [1, 'bad_series'],
      [2, 'bad_series'],
    ]);
    expect(rejections[0]!.message).toContain('series "cpu;=1" is invalid');
  });

  it('stamps points without a timestamp or with -1 with the injected clock', () => {
    let now = 1_000;
    const { parser } = newParser({ maxLineBytes: 100, nowMs: () => (now += 10) });
    const out = new PointBatchBuilder();
    const rejections: Rejection[] = [];
    parser.push(Buffer.from('a 1\nb 2 -1\nc 3 -1.0\nd 4 1.5\n'), out, rejections);
    expect(rejections).toEqual([]);
    expect(Array.from(out.finish().timestampsMs)).toEqual([1_010, 1_020, 1_030, 1_500]);
  });

  it('rejects negative and non-numeric timestamps', () => {
    const { points, rejections } = parseGraphiteText('a 1 -5\nb 1 soon\nc 1 1e300\nd 1 12\n', 0);
    expect(points.keys).toEqual(['d']);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [1, 'bad_timestamp'],
      [2, 'bad_timestamp'],
      [3, 'bad_timestamp'],
    ]);
    expect(rejections[1]!.message).toBe('line 2: timestamp "soon" must be Unix seconds (or -1 for now)');
  });

  it('counts NaN values as nan_value, apart from junk values', () => {
    const { points, rejections } = parseGraphiteText('a NaN 1\nb nan 1\nc -nan 1\nd 1x 1\ne inf 1\nf 1e999 1\ng 2 1\n', 0);
    expect(points.keys).toEqual(['g']);
    expect(rejections.map((r) => r.reason)).toEqual(['nan_value', 'nan_value', 'nan_value', 'bad_value', 'bad_value', 'bad_value']);
    expect(rejections[5]!.message).toBe('line 6: value "1e999" is out of range');
  });

  it('keeps the lines around malformed ones', () => {
    const { points, rejections } = parseGraphiteText('a 1 1\njunk\nb 2 2 extra\nc 3 3\n', 0);
    expect(points.keys).toEqual(['a', 'c']);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [2, 'malformed_line'],
      [3, 'malformed_line'],
    ]);
  });

  it('accepts a line of exactly maxLineBytes, also with CRLF, and rejects one byte more', () => {
    const line = `m ${'1'.repeat(8)}`; // 10 bytes
    const tooLong = `m ${'1'.repeat(9)}`;
    const { points, rejections } = parseGraphiteText(`${line}\n${line}\r\n${tooLong}\n${tooLong}\r\n${line}`, 0, 10);
    expect(points.length).toBe(3);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [3, 'line_too_long'],
      [4, 'line_too_long'],
    ]);
  });

  it('rejects a line longer than maxLineBytes once, however many chunks it spans, and carries on', () => {
    const { parser, keyed } = newParser({ maxLineBytes: 16, nowMs: () => 0 });
    const out = new PointBatchBuilder();
    const rejections: Rejection[] = [];
    parser.push(Buffer.from('a 1 1\nlong.'), out, rejections);
    for (let i = 0; i < 100; i++) parser.push(Buffer.from('xxxxxxxxxx'), out, rejections);
    parser.push(Buffer.from(' 1 1\nb 2 2\n'), out, rejections);
    parser.end(out, rejections);
    expect(keyed(out.finish()).keys).toEqual(['a', 'b']);
    expect(rejections).toEqual([{ line: 2, reason: 'line_too_long', message: 'line 2: longer than 16 bytes; it starts "long.xxxxxxxxxxxx"' }]);
  });

  it('truncates long quoted values in messages', () => {
    const { rejections } = parseGraphiteText(`a ${'9'.repeat(150)}x 1\n`, 0);
    expect(rejections[0]!.message).toBe(`line 1: value "${'9'.repeat(100)}…" is not a decimal number`);
  });

  it('numbers lines across chunks and restarts after end()', () => {
    const { parser } = newParser({ maxLineBytes: 100, nowMs: () => 0 });
    const out = new PointBatchBuilder();
    const rejections: Rejection[] = [];
    parser.push(Buffer.from('a 1\n\nbad\n'), out, rejections);
    parser.push(Buffer.from('b 2\nworse'), out, rejections);
    parser.end(out, rejections);
    parser.push(Buffer.from('again\n'), out, rejections);
    expect(rejections.map((r) => r.line)).toEqual([3, 5, 1]);
  });

  it('asks for the id of each distinct path once (by canonical key), and never for the series of a rejected line', () => {
    const asked: string[] = [];
    const local = new LocalSeriesIds();
    const parser = new GraphiteLineParser({ maxLineBytes: 100, nowMs: () => 0, seriesIds: { seriesId: (key) => (asked.push(key), local.seriesId(key)) } });
    const out = new PointBatchBuilder();
    const rejections: Rejection[] = [];
    parser.push(Buffer.from('a 1 1\nb;z=1;y=2 2 1\na 3 2\nnew.one x 1\nb;y=2;z=1 4 2\nb;z=1;y=2 5 3\nnew.two 1 -7\n'), out, rejections);
    parser.end(out, rejections);
    expect(asked).toEqual(['a', 'b;y=2;z=1', 'b;y=2;z=1']);
    expect(Array.from(out.finish().seriesIds)).toEqual([0, 1, 0, 1, 1]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [4, 'bad_value'],
      [7, 'bad_timestamp'],
    ]);
  });

  it('rejects the lines of a series the store refuses, naming it, and asks again next time', () => {
    let refuse = true;
    const parser = new GraphiteLineParser({ maxLineBytes: 100, nowMs: () => 0, seriesIds: { seriesId: () => (refuse ? INVALID_SERIES_ID : 7) } });
    const out = new PointBatchBuilder();
    const rejections: Rejection[] = [];
    parser.push(Buffer.from('full.up 1 1\n'), out, rejections);
    refuse = false;
    parser.push(Buffer.from('full.up 2 2\n'), out, rejections);
    expect(rejections).toEqual([{ line: 1, reason: 'bad_series', message: 'line 1: series "full.up" cannot be stored: the store refused its key' }]);
    expect(Array.from(out.finish().seriesIds)).toEqual([7]);
  });

  it('parses decimal forms exactly as Number() does', () => {
    const forms = ['0', '-0', '+1', '1.', '.5', '-.5', '3.14159', '1e3', '1E-3', '2.5e+10', '123456789012345', '1234567890123456789',
      '0.000000000000000000000001', '1e-30', '1.7976931348623157e308', '4.9e-324', '0.1', '0.2', '9007199254740993', '00012.50'];
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2_000; i++) {
      const digits = String(Math.floor(random() * 1e6)).padStart(1 + Math.floor(random() * 8), '0');
      const exponent = Math.floor(random() * 60) - 30;
      forms.push(`${random() < 0.5 ? '-' : ''}${digits.slice(0, 3)}.${digits.slice(3)}e${exponent}`);
      forms.push((random() * 10 ** (Math.floor(random() * 20) - 5)).toString());
    }
    const text = forms.map((v, i) => `m${i} ${v} 1`).join('\n');
    const { points, rejections } = parseGraphiteText(text, 0);
    expect(rejections).toEqual([]);
    forms.forEach((form, i) => expect(Object.is(points.values[i], Number(form)), form).toBe(true));
  });

  it('returns the same key string for a repeated path', () => {
    const { points } = parseGraphiteText('a.b 1 1\na.b 2 2\nt;y=1;x=2 1 1\nt;x=2;y=1 1 1\nt;y=1;x=2 1 1\n', 0);
    expect(points.keys[0]).toBe(points.keys[1]);
    expect(new Set(points.keys.slice(2))).toEqual(new Set(['t;x=2;y=1']));
  });
});
