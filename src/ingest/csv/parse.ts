import { StringDecoder } from 'node:string_decoder';
import type { KeyedPointsBuilder, RejectReason, Rejection } from '../../model/index.js';
import { quoteValue } from '../quote.js';
import type { SeriesKeyResult } from '../series-path.js';
import { canonicalSeriesKey } from '../series-path.js';
import type { CsvRecordHandler } from './records.js';
import { CsvRecordReader } from './records.js';
import { parseCsvTimestampMs } from './timestamp.js';

/** A record this long is a runaway quote, not a point. */
const MAX_RECORD_CHARS = 64 * 1024;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const COLUMN_NAMES = ['series', 'timestamp', 'value'] as const;

export interface CsvPointsParserOptions {
  /** Series of every row of a `timestamp,value` file; may be a tagged path. */
  readonly series?: string;
}

interface Columns {
  readonly count: number;
  /** -1 when the series comes from options. */
  readonly series: number;
  readonly timestamp: number;
  readonly value: number;
}

/**
 * Streaming parser of CSV points for `vigil import`: rows of `timestamp,value` (as in NAB's files;
 * the series is named in options) or `series,timestamp,value`, with an optional header row naming
 * those columns (in any order). Timestamps are epoch seconds, epoch milliseconds or ISO-8601 (UTC
 * when no offset is given, so NAB's `2014-04-01 00:00:00` is UTC). An empty or NaN value is rejected
 * as `nan_value`. Bad rows are rejected with their line number and the rest kept; a file whose form
 * cannot work (no series for `timestamp,value` rows, an unknown header) throws once.
 */
export class CsvPointsParser {
  private readonly seriesKey: string | undefined;
  private readonly reader = new CsvRecordReader(MAX_RECORD_CHARS);
  private readonly decoder = new StringDecoder('utf8');
  private columns: Columns | null = null;
  private failure: Error | null = null;
  private lastSeries = '';
  private lastKey: SeriesKeyResult | null = null;
  private out: KeyedPointsBuilder | null = null;
  private rejections: Rejection[] = [];
  private readonly handler: CsvRecordHandler = {
    record: (fields, line) => this.record(fields, line),
    malformed: (line, cause, tooLong) => this.reject(tooLong ? 'line_too_long' : 'malformed_line', line, cause),
  };

  constructor(options: CsvPointsParserOptions = {}) {
    if (options.series !== undefined) {
      const key = canonicalSeriesKey(options.series);
      if (!key.ok) throw new Error(`cannot import: series ${quoteValue(options.series)} is invalid: ${key.cause}`);
      this.seriesKey = key.key;
    }
  }

  /** Parses the rows `chunk` completes; a row cut by the chunk's end waits for the next one. */
  push(chunk: Buffer | string, out: KeyedPointsBuilder, rejections: Rejection[]): void {
    this.run(out, rejections, () => this.reader.push(typeof chunk === 'string' ? chunk : this.decoder.write(chunk), this.handler));
  }

  /** Parses the last row of the file, which needs no newline. */
  end(out: KeyedPointsBuilder, rejections: Rejection[]): void {
    this.run(out, rejections, () => {
      const rest = this.decoder.end();
      if (rest.length > 0) this.reader.push(rest, this.handler);
      this.reader.end(this.handler);
    });
  }

  private run(out: KeyedPointsBuilder, rejections: Rejection[], step: () => void): void {
    if (this.failure !== null) throw this.failure;
    this.out = out;
    this.rejections = rejections;
    try {
      step();
    } catch (err) {
      this.failure = err as Error;
      throw err;
    } finally {
      this.out = null;
    }
  }

  private record(fields: string[], line: number): void {
    if (this.columns === null) {
      const isHeader = fields.some((f) => isColumnName(f));
      this.columns = isHeader ? this.columnsFromHeader(fields, line) : this.columnsFromRow(fields, line);
      if (isHeader) return;
    }
    const columns = this.columns;
    if (fields.length !== columns.count) {
      this.reject('malformed_line', line, `expected ${columns.count} fields (${this.describeColumns()}), got ${fields.length}`);
      return;
    }

    let key: string;
    if (columns.series === -1) {
      key = this.seriesKey!;
    } else {
      const series = fields[columns.series]!;
      if (this.lastKey === null || series !== this.lastSeries) {
        this.lastSeries = series;
        this.lastKey = canonicalSeriesKey(series);
      }
      if (!this.lastKey.ok) {
        this.reject('bad_series', line, `series ${quoteValue(series)} is invalid: ${this.lastKey.cause}`);
        return;
      }
      key = this.lastKey.key;
    }

    const timestampText = fields[columns.timestamp]!;
    const timestampMs = parseCsvTimestampMs(timestampText);
    if (Number.isNaN(timestampMs)) {
      this.reject('bad_timestamp', line, `timestamp ${quoteValue(timestampText)} must be epoch seconds, epoch milliseconds or ISO-8601 (from 1970)`);
      return;
    }

    const valueText = fields[columns.value]!;
    if (valueText === '' || valueText.toLowerCase() === 'nan') {
      this.reject('nan_value', line, valueText === '' ? 'value is empty' : `value ${quoteValue(valueText)} is NaN`);
      return;
    }
    const value = DECIMAL.test(valueText) ? Number(valueText) : NaN;
    if (!Number.isFinite(value)) {
      this.reject('bad_value', line, `value ${quoteValue(valueText)} is not a decimal number${Number.isNaN(value) ? '' : ' in range'}`);
      return;
    }
    this.out!.push(key, timestampMs, value);
  }

  private columnsFromHeader(fields: string[], line: number): Columns {
    const names = fields.map((f) => f.toLowerCase());
    const index = (name: string): number => names.indexOf(name);
    const known = names.every(isColumnName) && new Set(names).size === names.length;
    const form = names.length === 2 ? ['timestamp', 'value'] : ['series', 'timestamp', 'value'];
    if (!known || !form.every((name) => names.includes(name))) {
      throw new Error(`cannot import: line ${line}: header ${quoteValue(fields.join(','))} must name the columns timestamp,value or series,timestamp,value`);
    }
    return this.checkSeriesSource({ count: names.length, series: index('series'), timestamp: index('timestamp'), value: index('value') });
  }

  private columnsFromRow(fields: string[], line: number): Columns {
    if (fields.length === 2) return this.checkSeriesSource({ count: 2, series: -1, timestamp: 0, value: 1 });
    if (fields.length === 3) return this.checkSeriesSource({ count: 3, series: 0, timestamp: 1, value: 2 });
    throw new Error(`cannot import: line ${line}: expected rows of timestamp,value or series,timestamp,value, got ${fields.length} fields`);
  }

  /** The series must come from exactly one place: the file or the options. */
  private checkSeriesSource(columns: Columns): Columns {
    if (columns.series === -1 && this.seriesKey === undefined) {
      throw new Error('cannot import: the file has timestamp,value rows; name the series with --series');
    }
    if (columns.series !== -1 && this.seriesKey !== undefined) {
      throw new Error('cannot import: the file has series,timestamp,value rows, which name their series; leave out --series');
    }
    return columns;
  }

  private describeColumns(): string {
    const columns = this.columns!;
    const names: string[] = new Array<string>(columns.count);
    if (columns.series !== -1) names[columns.series] = 'series';
    names[columns.timestamp] = 'timestamp';
    names[columns.value] = 'value';
    return names.join(',');
  }

  private reject(reason: RejectReason, line: number, cause: string): void {
    this.rejections.push({ line, reason, message: `line ${line}: ${cause}` });
  }
}

function isColumnName(field: string): boolean {
  return (COLUMN_NAMES as readonly string[]).includes(field.toLowerCase());
}
