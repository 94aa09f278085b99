import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rejection } from '../../model/index.js';
import { KeyedPointsBuilder } from '../../model/index.js';
import type { CsvPointsParserOptions } from './parse.js';
import { CsvPointsParser } from './parse.js';

interface Parsed {
  points: { key: string; timestampMs: number; value: number }[];
  rejections: Rejection[];
}

function parse(chunks: (Buffer | string)[], options: CsvPointsParserOptions = {}): Parsed {
  const parser = new CsvPointsParser(options);
  const out = new KeyedPointsBuilder(4);
  const rejections: Rejection[] = [];
  for (const chunk of chunks) parser.push(chunk, out, rejections);
  parser.end(out, rejections);
  const points = out.finish();
  return {
    points: Array.from({ length: points.length }, (_, i) => ({ key: points.keys[i]!, timestampMs: points.timestampsMs[i]!, value: points.values[i]! })),
    rejections,
  };
}

const T0 = Date.UTC(2014, 3, 1);

describe('CsvPointsParser', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-csv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a NAB-style file from disk as UTC points of the named series', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const t = new Date(T0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
      return `${t},${(20 + Math.sin(i / 10)).toFixed(6)}`;
    });
    const file = join(dir, 'machine_temperature.csv');
    writeFileSync(file, `timestamp,value\n${rows.join('\n')}\n`);

    const parser = new CsvPointsParser({ series: 'nab.machine_temperature' });
    const out = new KeyedPointsBuilder();
    const rejections: Rejection[] = [];
    for await (const chunk of createReadStream(file, { highWaterMark: 97 })) parser.push(chunk as Buffer, out, rejections);
    parser.end(out, rejections);
    const points = out.finish();

    expect(rejections).toEqual([]);
    expect(points.length).toBe(500);
    expect(new Set(points.keys)).toEqual(new Set(['nab.machine_temperature']));
    expect(points.timestampsMs[0]).toBe(T0);
    expect(points.timestampsMs[499]).toBe(T0 + 499 * 300_000);
    expect(points.values[10]).toBe(Number((20 + Math.sin(1)).toFixed(6)));
  });

  it('reads series,timestamp,value rows with and without a header, and headers in any column order', () => {
    const expected = [
      { key: 'cpu;host=a', timestampMs: 1_000_000, value: 1 },
      { key: 'mem', timestampMs: 2_000_000, value: 2.5 },
    ];
    expect(parse(['series,timestamp,value\ncpu;host=a,1000,1\nmem,2000,2.5\n'])).toEqual({ points: expected, rejections: [] });
    expect(parse(['cpu;host=a,1000,1\nmem,2000,2.5'])).toEqual({ points: expected, rejections: [] });
    expect(parse(['Value,Series,Timestamp\n1,cpu;host=a,1000\n2.5,mem,2000\n'])).toEqual({ points: expected, rejections: [] });
    expect(parse(['value,timestamp\n3,1000\n'], { series: 'x' }).points).toEqual([{ key: 'x', timestampMs: 1_000_000, value: 3 }]);
    expect(parse(['1000,3\n'], { series: 'x;b=2;a=1' }).points).toEqual([{ key: 'x;a=1;b=2', timestampMs: 1_000_000, value: 3 }]);
  });

  it('fails once, clearly, when timestamp,value rows have no series', () => {
    const message = 'cannot import: the file has timestamp,value rows; name the series with --series';
    const parser = new CsvPointsParser({});
    const out = new KeyedPointsBuilder();
    expect(() => parser.push('timestamp,value\n', out, [])).toThrow(message);
    expect(() => parser.push('2014-04-01 00:00:00,1\n', out, [])).toThrow(message);
    expect(() => parse(['1000,1\n'])).toThrow(message);
    expect(() => parse(['a,1000,1\n'], { series: 'x' })).toThrow('cannot import: the file has series,timestamp,value rows, which name their series; leave out --series');
    expect(() => parse(['time,value\n'], { series: 'x' })).toThrow('cannot import: line 1: header "time,value" must name the columns timestamp,value or series,timestamp,value');
    expect(() => new CsvPointsParser({ series: 'a b' })).toThrow('cannot import: series "a b" is invalid');
  });

  it('accepts epoch seconds, epoch milliseconds and ISO-8601 timestamps', () => {
    const { points, rejections } = parse(
      [
        [
          '1396310400,1',
          '1396310400.5,2',
          '1396310400000,3',
          '2014-04-01T00:00:00Z,4',
          '2014-04-01T02:00:00+02:00,5',
          '2014-04-01 00:00:00.250,6',
          '2014-04-01,7',
          '2014-03-31T19:30:00-0430,8',
        ].join('\r\n'),
      ],
      { series: 's' },
    );
    expect(rejections).toEqual([]);
    expect(points.map((p) => p.timestampMs - T0)).toEqual([0, 500, 0, 0, 0, 250, 0, 0]);
  });

  it('rejects bad rows with their line numbers and keeps the rest', () => {
    const { points, rejections } = parse([
      'series,timestamp,value\n',
      'a,1000,1\n',
      'a,yesterday,2\n',
      'a,2014-02-30 00:00:00,3\n',
      'a,1000,abc\n',
      'a,1000,\n',
      'a,1000,NaN\n',
      'bad series,1000,4\n',
      'a,1000\n',
      '\n',
      'a,-5,5\n',
      'a,1000,1e999\n',
      'a,2000,2\n',
    ]);
    expect(points.map((p) => p.value)).toEqual([1, 2]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [3, 'bad_timestamp'],
      [4, 'bad_timestamp'],
      [5, 'bad_value'],
      [6, 'nan_value'],
      [7, 'nan_value'],
      [8, 'bad_series'],
      [9, 'malformed_line'],
      [11, 'bad_timestamp'],
      [12, 'bad_value'],
    ]);
    expect(rejections[0]!.message).toBe('line 3: timestamp "yesterday" must be epoch seconds, epoch milliseconds or ISO-8601 (from 1970)');
    expect(rejections[2]!.message).toBe('line 5: value "abc" is not a decimal number');
    expect(rejections[6]!.message).toBe('line 9: expected 3 fields (series,timestamp,value), got 2');
  });

  it('reads RFC 4180 quoted fields, numbering rows by the line they start on', () => {
    const text = 'series,timestamp,value\n"cpu;host=a",1000,"1.5"\n"we""ird",1000,2\n"multi\nline",1000,3\n"b" , 2000 ,4\r\n"c"x,1000,5\nd,1000,6';
    const { points, rejections } = parse([text]);
    expect(points.map((p) => [p.key, p.value])).toEqual([
      ['cpu;host=a', 1.5],
      ['we"ird', 2],
      ['b', 4],
      ['d', 6],
    ]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [4, 'bad_series'],
      [7, 'malformed_line'],
    ]);
    expect(rejections[1]!.message).toBe('line 7: text after a closing quote');
  });

  it('gives the same result wherever the input is cut, even inside a multi-byte character', () => {
    const bytes = Buffer.from(
      'series,timestamp,value\r\n"temp;unit=°C",2014-04-01 00:00:00,21.5\r\nbad,x,1\r\n"q""uote;room=ü",1396310400,"2"\r\n\r\nlast,1396310400000,3',
      'utf8',
    );
    const whole = parse([bytes]);
    expect(whole.points.length).toBe(3);
    expect(whole.rejections.length).toBe(1);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at byte ${cut}`).toEqual(whole);
    }
    expect(parse(Array.from(bytes, (b) => Buffer.from([b])))).toEqual(whole);
  });

  it('rejects a runaway quoted field as too long and an unclosed quote at the end, and carries on', () => {
    const runaway = `a,1000,1\n"${'x'.repeat(70_000)}\nb,2000,2\n`;
    const first = parse([runaway]);
    expect(first.points.map((p) => p.key)).toEqual(['a', 'b']);
    expect(first.rejections.map((r) => [r.line, r.reason])).toEqual([[2, 'line_too_long']]);

    const unclosed = parse(['a,1000,1\nb,2000,"2\n']);
    expect(unclosed.points.map((p) => p.key)).toEqual(['a']);
    expect(unclosed.rejections).toEqual([{ line: 2, reason: 'malformed_line', message: 'line 2: a quoted field is never closed' }]);
  });

  it('skips a byte order mark', () => {
    expect(parse(['\ufefftimestamp,value\n1000,1\n'], { series: 's' }).points).toEqual([{ key: 's', timestampMs: 1_000_000, value: 1 }]);
  });
});
