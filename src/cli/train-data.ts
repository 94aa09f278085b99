import { userInfo } from 'node:os';
import type { DataTable, Parsed, Sequences } from '../ml/train/index.js';
import { readDataFile } from '../ml/train/index.js';
import { requestJson, type ServerTarget } from './api-client.js';

/** Where `vigil train --data` reads: a file, or `series:GLOB` (stored series through a running server). */
export interface DataSourceFlags extends ServerTarget {
  readonly data: string;
  readonly from?: string;
  readonly to?: string;
  readonly step?: string;
}

export interface LoadedData extends Parsed<DataTable | Sequences> {
  /** For the registry: what was read and the time range it covers. */
  readonly source: string;
  readonly fromMs: number;
  readonly toMs: number;
}

interface SeriesAnswer {
  readonly series: readonly { readonly key: string }[];
  readonly total: number;
}

interface QueryAnswer {
  readonly series: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly timestampsMs: readonly number[];
  readonly values: readonly (number | null)[];
}

/** Series matching the glob, bucketed on one grid by the server, as one column each (missing buckets NaN). */
async function readStoredSeries(flags: DataSourceFlags, glob: string): Promise<LoadedData> {
  const found = await requestJson<SeriesAnswer>(flags, `/api/v1/series?${new URLSearchParams({ match: glob, limit: '1000' }).toString()}`);
  if (found.series.length === 0) throw new Error(`cannot read training data: no stored series match ${JSON.stringify(glob)}`);
  const columns: QueryAnswer[] = [];
  for (const { key } of found.series) {
    const params = new URLSearchParams({ series: key, from: flags.from ?? '-7d', to: flags.to ?? 'now' });
    if (flags.step !== undefined) params.set('step', flags.step);
    columns.push(await requestJson<QueryAnswer>(flags, `/api/v1/query?${params.toString()}`));
  }
  const times = [...new Set(columns.flatMap((c) => c.timestampsMs))].sort((a, b) => a - b);
  const row = new Map(times.map((t, i) => [t, i]));
  const values = new Float64Array(times.length * columns.length).fill(Number.NaN);
  columns.forEach((column, c) => {
    column.timestampsMs.forEach((t, i) => {
      const v = column.values[i];
      if (v !== null && v !== undefined) values[row.get(t)! * columns.length + c] = v;
    });
  });
  return {
    data: { columns: columns.map((c) => c.series), rows: times.length, values, timestampsMs: Float64Array.from(times) },
    rejected: [],
    source: `series:${glob}${found.total > found.series.length ? ` (first ${found.series.length} of ${found.total})` : ''}`,
    fromMs: columns[0]!.fromMs,
    toMs: columns[0]!.toMs,
  };
}

/** Reads the training data `--data` names: sequences for deeplog, a table for the metric models. */
export async function loadTrainingData(flags: DataSourceFlags, sequences: boolean): Promise<LoadedData> {
  if (flags.data.startsWith('series:')) {
    if (sequences) throw new Error('cannot read training data: deeplog trains on template-id sequences from a file, not on stored series');
    return readStoredSeries(flags, flags.data.slice('series:'.length));
  }
  const parsed = await readDataFile(flags.data, sequences);
  const times = 'timestampsMs' in parsed.data ? parsed.data.timestampsMs : undefined;
  return {
    ...parsed,
    source: flags.data,
    fromMs: times !== undefined && times.length > 0 ? times[0]! : 0,
    toMs: times !== undefined && times.length > 0 ? times[times.length - 1]! : 0,
  };
}

/** Who trained the model, for the registry: `--creator`, else the login name. */
export function defaultCreator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
