import { readFile } from 'node:fs/promises';
import type { DataTable, Sequences } from './examples.js';

/** A line the reader skipped, with why; the rest of the file is kept. */
export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

export interface Parsed<T> {
  readonly data: T;
  readonly rejected: readonly RejectedLine[];
}

const TIME_HEADERS = new Set(['time', 'timestamp', 'ts', 'date', 'datetime', 'time_ms', 'timestamp_ms']);

/** Unix ms from a cell: integer seconds (< 1e11) or milliseconds, or an ISO-8601 time. */
function parseTimestampMs(cell: string): number {
  const number = Number(cell);
  if (cell !== '' && Number.isFinite(number)) return number < 1e11 ? number * 1000 : number;
  return Date.parse(cell);
}

/**
 * A CSV table of numbers: an optional header row (names; a first column called time/timestamp holds each row's
 * time), then one row per instant. Empty cells, `NaN` and `null` are missing values. A row with the wrong number of
 * cells or a cell that is not a number is rejected with its line number; the rest is kept.
 */
export function parseCsvTable(text: string): Parsed<DataTable> {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  const firstCells = (lines[first] ?? '').split(',').map((c) => c.trim());
  if (firstCells.some((c) => c !== '' && !Number.isFinite(Number(c)) && !['nan', 'null'].includes(c.toLowerCase()))) {
    header = firstCells;
    first++;
  }
  const timed = header !== undefined && TIME_HEADERS.has(header[0]!.toLowerCase());
  const width = header !== undefined ? header.length - (timed ? 1 : 0) : Math.max(0, firstCells.length);
  const columns = header !== undefined ? header.slice(timed ? 1 : 0) : Array.from({ length: width }, (_, c) => `column${c}`);
  const values: number[] = [];
  const times: number[] = [];
  const rejected: RejectedLine[] = [];
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== width + (timed ? 1 : 0)) {
      rejected.push({ line: i + 1, reason: `expected ${width + (timed ? 1 : 0)} cells, got ${cells.length}` });
      continue;
    }
    const row: number[] = [];
    let bad: string | undefined;
    const timeMs = timed ? parseTimestampMs(cells[0]!) : 0;
    if (!Number.isFinite(timeMs)) bad = `time ${JSON.stringify(cells[0])} is not a number or ISO-8601 time`;
    for (let c = timed ? 1 : 0; c < cells.length && bad === undefined; c++) {
      const cell = cells[c]!;
      if (cell === '' || ['nan', 'null'].includes(cell.toLowerCase())) row.push(Number.NaN);
      else if (Number.isFinite(Number(cell))) row.push(Number(cell));
      else bad = `column ${columns[c - (timed ? 1 : 0)]}: ${JSON.stringify(cell)} is not a number`;
    }
    if (bad !== undefined) {
      rejected.push({ line: i + 1, reason: bad });
      continue;
    }
    values.push(...row);
    if (timed) times.push(timeMs);
  }
  const rows = width === 0 ? 0 : values.length / width;
  return {
    data: { columns, rows, values: Float64Array.from(values), ...(timed ? { timestampsMs: Float64Array.from(times) } : {}) },
    rejected,
  };
}

/**
 * Template-id sequences: one session per line, ids separated by spaces or commas; an optional leading `name:` or
 * `name,` label (as in the HDFS sequence files) is ignored. A line with a token that is not a non-negative integer is
 * rejected with its line number.
 */
export function parseSequences(text: string): Parsed<Sequences> {
  const sequences: Int32Array[] = [];
  const rejected: RejectedLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const label = /^[^\s,:]*[A-Za-z_][^\s,:]*[:,]\s*/.exec(line);
    if (label !== null) line = line.slice(label[0].length);
    const tokens = line.split(/[\s,]+/).filter((t) => t !== '');
    const bad = tokens.find((t) => !/^\d+$/.test(t) || Number(t) > 2 ** 31 - 1);
    if (bad !== undefined) {
      rejected.push({ line: i + 1, reason: `${JSON.stringify(bad)} is not a template id (a non-negative integer)` });
      return;
    }
    sequences.push(Int32Array.from(tokens, Number));
  });
  return { data: { sequences }, rejected };
}

/** Reads a training file: template-id sequences for deeplog, a CSV table for the metric models. */
export async function readDataFile(path: string, sequences: boolean): Promise<Parsed<DataTable | Sequences>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read training data ${path}: ${(err as Error).message}`);
  }
  return sequences ? parseSequences(text) : parseCsvTable(text);
}
