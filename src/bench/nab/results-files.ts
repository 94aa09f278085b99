import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NabCorpus, NabFile } from './corpus.js';
import { cellAt, columnIndex, lineError, readCsvTable } from './csv-table.js';
import { formatNabTimestamp, parseNabTimestamp } from './timestamp.js';

/** Where NAB keeps a detector's results for a data file: `<dir>/<category>/<detector>_<file>.csv`. */
export function nabResultsPath(resultsDir: string, detectorName: string, file: NabFile): string {
  return join(resultsDir, file.category, `${detectorName}_${file.name}`);
}

/**
 * Writes one results file per data file in NAB's format, `timestamp,value,anomaly_score,label` (label
 * 1 inside a window), with scores written exactly so that reading them back scores identically.
 */
export function writeNabResults(outDir: string, detectorName: string, corpus: NabCorpus, anomalyScores: readonly Float64Array[]): void {
  corpus.files.forEach((file, f) => {
    const scores = anomalyScores[f]!;
    const lines = new Array<string>(file.timestampsMs.length + 1);
    lines[0] = 'timestamp,value,anomaly_score,label';
    for (let i = 0; i < file.timestampsMs.length; i++) {
      lines[i + 1] = `${formatNabTimestamp(file.timestampsMs[i]!)},${file.values[i]!},${scores[i]!},${file.rowWindow[i]! >= 0 ? 1 : 0}`;
    }
    const path = nabResultsPath(outDir, detectorName, file);
    mkdirSync(join(outDir, file.category), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`);
  });
}

/** The prefixes `P` for which `<category>/P_<file>` exists. */
function prefixesFor(resultsDir: string, file: NabFile): Set<string> {
  const dir = join(resultsDir, file.category);
  const suffix = `_${file.name}`;
  const out = new Set<string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) if (entry.endsWith(suffix) && entry.length > suffix.length) out.add(entry.slice(0, -suffix.length));
  return out;
}

/** The detector name the results files of every data file share, or an error saying why there is none. */
export function inferResultsDetectorName(resultsDir: string, corpus: NabCorpus): string {
  let common: string[] = [];
  corpus.files.forEach((file, f) => {
    const prefixes = prefixesFor(resultsDir, file);
    common = f === 0 ? [...prefixes] : common.filter((p) => prefixes.has(p));
    if (common.length === 0) {
      throw new Error(
        `cannot read NAB results in ${resultsDir}: no ${file.category}/<detector>_${file.name} whose <detector> prefix every earlier data file's results share; name the detector`,
      );
    }
  });
  if (common.length > 1) throw new Error(`cannot read NAB results in ${resultsDir}: several detectors have results for every file (${common.sort().join(', ')}); name the one to read`);
  return common[0]!;
}

function readResultsFile(path: string, file: NabFile): Float64Array {
  if (!existsSync(path)) throw new Error(`cannot read NAB results: ${path} is missing (results for data/${file.relativePath})`);
  const table = readCsvTable(path);
  const scoreColumn = columnIndex(table, 'anomaly_score');
  const timeColumn = table.header.indexOf('timestamp');
  const n = file.timestampsMs.length;
  if (table.lines.length !== n) throw new Error(`cannot read ${path}: ${table.lines.length} rows, but data/${file.relativePath} has ${n}`);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const line = table.lines[i]!;
    if (timeColumn >= 0) {
      const text = cellAt(line, timeColumn) ?? '';
      if (parseNabTimestamp(text.trim()) !== file.timestampsMs[i]) {
        throw lineError(table, i, `timestamp ${JSON.stringify(text)} differs from row ${i} of data/${file.relativePath} (${formatNabTimestamp(file.timestampsMs[i]!)})`);
      }
    }
    const text = cellAt(line, scoreColumn);
    const score = text === undefined || text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(score)) throw lineError(table, i, `bad anomaly_score ${JSON.stringify(text ?? '')}`);
    scores[i] = score;
  }
  return scores;
}

/**
 * Reads a detector's NAB-format results for every corpus file, row-aligned with the data files. The
 * detector name (the files' prefix) is inferred when not given.
 */
export function readNabResults(resultsDir: string, corpus: NabCorpus, detectorName?: string): { detectorName: string; anomalyScores: Float64Array[] } {
  const name = detectorName ?? inferResultsDetectorName(resultsDir, corpus);
  return { detectorName: name, anomalyScores: corpus.files.map((file) => readResultsFile(nabResultsPath(resultsDir, name, file), file)) };
}
