import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangePointMethod, MultiSeries } from '../../regress/index.js';

/** A TCPD dataset file's JSON, as TCPDBench writes it. */
export function datasetJson(name: string, raws: readonly (readonly (number | null)[])[]): string {
  const nObs = raws[0]!.length;
  return JSON.stringify({
    name,
    longname: name,
    n_obs: nObs,
    n_dim: raws.length,
    time: { index: Array.from({ length: nObs }, (_, i) => i) },
    series: raws.map((raw, d) => ({ label: `V${d + 1}`, type: 'float', raw })),
  });
}

/** `alpha`: 20 points, a step at 10, two annotators. `beta`: 12 points in 2 dimensions, one missing, no change. */
export const TINY_ALPHA = [...Array<number>(10).fill(0), ...Array<number>(10).fill(5)];
export const TINY_BETA = [
  [1, 2, 1, null, 2, 1, 2, 1, 2, 1, 2, 1],
  [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
];
export const TINY_ANNOTATIONS = { alpha: { '1': [10], '2': [10, 15] }, beta: { '1': [] } };

const header = 'Dataset & \\textsc{binseg} & \\textsc{bocpd} & \\textsc{zero}\\\\';

/** Published tables in TCPDBench's layout: bold, F (failed) and M (missing) cells included. */
export const TINY_F1_TABLE = [
  '\\begin{tabular}{lccc}',
  header,
  '\\toprule',
  '\\verb+alpha+ & \\textbf{1.000} & F & 0.667\\\\',
  '\\midrule',
  '\\verb+beta+ & M & 0.500 & \\textbf{1.000}\\\\',
  '\\verb+gamma+ & 0.100 &  & 0.200\\\\',
  '\\bottomrule',
  '\\end{tabular}',
].join('\n');
export const TINY_COVER_TABLE = [
  '\\begin{tabular}{lccc}',
  header,
  '\\toprule',
  '\\verb+alpha+ & \\textbf{0.900} & F & 0.500\\\\',
  '\\verb+beta+ & M & 0.400 & \\textbf{1.000}\\\\',
  '\\bottomrule',
  '\\end{tabular}',
].join('\n');

/** Writes the tiny TCPD directory (with `published/` unless told not to) and returns its path. */
export function writeTinyTcpd(options: { readonly published?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tcpd-'));
  mkdirSync(join(dir, 'datasets'));
  writeFileSync(join(dir, 'datasets', 'alpha.json'), datasetJson('alpha', [TINY_ALPHA]));
  writeFileSync(join(dir, 'datasets', 'beta.json'), datasetJson('beta', TINY_BETA));
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify(TINY_ANNOTATIONS));
  if (options.published !== false) {
    mkdirSync(join(dir, 'published'));
    writeFileSync(join(dir, 'published', 'default_f1_combined_full.tex'), TINY_F1_TABLE);
    writeFileSync(join(dir, 'published', 'default_cover_combined_full.tex'), TINY_COVER_TABLE);
  }
  return dir;
}

/** A fixed-answer method: alpha's annotated step (10), nothing on beta; it keeps what it was given. */
export function fixedAnswerMethod(): ChangePointMethod & { readonly seen: MultiSeries[] } {
  const seen: MultiSeries[] = [];
  return {
    id: 'fixed',
    description: 'the annotated step on alpha, nothing elsewhere',
    seen,
    detect(series) {
      seen.push(series);
      return series[0]!.length === TINY_ALPHA.length ? [10] : [];
    },
  };
}
