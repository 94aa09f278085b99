import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readNabDataFile } from './data-file.js';
import type { NabSeries } from './data-file.js';
import { readNabProfiles } from './profiles.js';
import type { NabProfiles } from './profiles.js';
import { computeRowWeights } from './sweep-weights.js';
import { parseNabTimestamp } from './timestamp.js';
import { probationaryRows, windowsToRows } from './windows.js';
import type { NabWindow } from './windows.js';

/** One file of the corpus with everything scoring needs. */
export interface NabFile extends NabSeries {
  /** Path under `data/`, with `/` separators, as the labels file names it: `realKnownCause/foo.csv`. */
  readonly relativePath: string;
  readonly category: string;
  /** File name, `foo.csv`. */
  readonly name: string;
  readonly windows: readonly NabWindow[];
  /** Rows at the start that are not scored; given to the detector as its warm-up. */
  readonly probationRows: number;
  /** Per row: index of its window, -1 outside (see sweep-weights.ts). */
  readonly rowWindow: Int32Array;
  /** Per row: NAB's unweighted sweep value (see sweep-weights.ts). */
  readonly rowSigmoid: Float64Array;
}

export interface NabCorpus {
  readonly dataDir: string;
  /** Sorted by relative path. */
  readonly files: readonly NabFile[];
  readonly profiles: NabProfiles;
  readonly pointCount: number;
  readonly windowCount: number;
}

/** Builds a scorable file from its rows and its windows' limits (start and end times, both included). */
export function buildNabFile(relativePath: string, series: NabSeries, limitsMs: readonly (readonly [number, number])[]): NabFile {
  const slash = relativePath.lastIndexOf('/');
  const windows = windowsToRows(series.timestampsMs, limitsMs, relativePath);
  const { rowWindow, rowSigmoid } = computeRowWeights(series.timestampsMs.length, windows);
  return {
    relativePath,
    category: slash < 0 ? '' : relativePath.slice(0, slash),
    name: relativePath.slice(slash + 1),
    timestampsMs: series.timestampsMs,
    values: series.values,
    windows,
    probationRows: probationaryRows(series.timestampsMs.length),
    rowWindow,
    rowSigmoid,
  };
}

function listCsvFiles(root: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, relative)).sort()) {
    if (entry.startsWith('.')) continue;
    const rel = relative === '' ? entry : `${relative}/${entry}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...listCsvFiles(root, rel));
    else if (entry.endsWith('.csv')) out.push(rel);
  }
  return out;
}

function parseLabels(path: string): Map<string, [number, number][]> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`cannot read ${path}: expected an object of file -> windows`);
  const labels = new Map<string, [number, number][]>();
  for (const [file, windows] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(windows)) throw new Error(`cannot read ${path}: ${file}: expected a list of [start, end] windows`);
    labels.set(
      file,
      windows.map((window: unknown, k) => {
        const pair = Array.isArray(window) && window.length === 2 ? window.map((t: unknown) => (typeof t === 'string' ? parseNabTimestamp(t) : NaN)) : [];
        if (pair.length !== 2 || Number.isNaN(pair[0]) || Number.isNaN(pair[1]) || pair[0]! > pair[1]!) {
          throw new Error(`cannot read ${path}: ${file}: window ${k} must be [start, end] timestamps with start <= end, got ${JSON.stringify(window)}`);
        }
        return [pair[0]!, pair[1]!];
      }),
    );
  }
  return labels;
}

/**
 * Loads a corpus in NAB's layout: `data/<category>/<file>.csv`, `labels/combined_windows.json` and
 * `config/profiles.json`. Every data file must have an entry in the labels file (an empty list when
 * it has no anomaly); labels of files absent from `data/` are ignored, so a subset of NAB loads as is.
 */
export function loadNabCorpus(dataDir: string): NabCorpus {
  const dataRoot = join(dataDir, 'data');
  if (!existsSync(dataRoot)) throw new Error(`cannot load NAB corpus ${dataDir}: no data/ directory`);
  const labels = parseLabels(join(dataDir, 'labels', 'combined_windows.json'));
  const profiles = readNabProfiles(join(dataDir, 'config', 'profiles.json'));
  const files: NabFile[] = [];
  for (const relativePath of listCsvFiles(dataRoot)) {
    const limits = labels.get(relativePath);
    if (limits === undefined) throw new Error(`cannot load NAB corpus ${dataDir}: data/${relativePath} has no entry in labels/combined_windows.json`);
    files.push(buildNabFile(relativePath, readNabDataFile(join(dataRoot, relativePath)), limits));
  }
  if (files.length === 0) throw new Error(`cannot load NAB corpus ${dataDir}: no .csv file under data/`);
  return corpusOf(dataDir, files, profiles);
}

/** A corpus from files already built (tests build small ones in memory). */
export function corpusOf(dataDir: string, files: readonly NabFile[], profiles: NabProfiles): NabCorpus {
  let pointCount = 0;
  let windowCount = 0;
  for (const file of files) {
    pointCount += file.timestampsMs.length;
    windowCount += file.windows.length;
  }
  return { dataDir, files, profiles, pointCount, windowCount };
}
