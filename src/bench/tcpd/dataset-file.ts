/** One TCPD series as read from `datasets/<name>.json`: its dimensions as typed arrays. */
export interface TcpdSeriesFile {
  readonly name: string;
  readonly nObs: number;
  readonly nDim: number;
  /** One array per dimension, `nObs` long; NaN where the file has null (a missing value). */
  readonly series: readonly Float64Array[];
}

function fail(path: string, field: string, why: string): never {
  throw new Error(`cannot load TCPD dataset ${path}: field ${field} ${why}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown, path: string, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(path, field, `must be a positive integer, not ${JSON.stringify(value)}`);
  return value;
}

function dimension(raw: unknown, nObs: number, path: string, field: string): Float64Array {
  if (!Array.isArray(raw)) fail(path, field, 'must be an array of numbers');
  if (raw.length !== nObs) fail(path, field, `has ${raw.length} values, n_obs is ${nObs}`);
  const out = new Float64Array(nObs);
  for (let i = 0; i < nObs; i++) {
    const value: unknown = raw[i];
    if (value === null) out[i] = Number.NaN;
    else if (typeof value === 'number') out[i] = value;
    else fail(path, `${field}[${i}]`, `must be a number or null, not ${JSON.stringify(value)}`);
  }
  return out;
}

/**
 * Parses one TCPD dataset file (`name`, `n_obs`, `n_dim`, `time.index`, `series[].raw`); `path` names it in
 * errors. The counts must agree with the arrays, so a truncated file is caught here, not as a wrong score.
 */
export function parseTcpdDatasetFile(text: string, path: string): TcpdSeriesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`cannot load TCPD dataset ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(json)) throw new Error(`cannot load TCPD dataset ${path}: not a JSON object`);
  const name = json['name'];
  if (typeof name !== 'string' || name === '') fail(path, 'name', 'must be a non-empty string');
  const nObs = count(json['n_obs'], path, 'n_obs');
  const nDim = count(json['n_dim'], path, 'n_dim');
  const time = json['time'];
  if (!isRecord(time) || !Array.isArray(time['index'])) fail(path, 'time.index', 'must be an array');
  if (time['index'].length !== nObs) fail(path, 'time.index', `has ${time['index'].length} entries, n_obs is ${nObs}`);
  const series = json['series'];
  if (!Array.isArray(series)) fail(path, 'series', 'must be an array');
  if (series.length !== nDim) fail(path, 'series', `has ${series.length} entries, n_dim is ${nDim}`);
  const dims = series.map((s: unknown, d) => {
    if (!isRecord(s)) fail(path, `series[${d}]`, 'must be an object');
    return dimension(s['raw'], nObs, path, `series[${d}].raw`);
  });
  return { name, nObs, nDim, series: dims };
}
