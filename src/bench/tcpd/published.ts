import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TCPD_FILES } from './data.js';
import { parsePublishedTable } from './published-table.js';
import type { PublishedScores } from './published-table.js';

/** TCPDBench's per-series tables for the default experiment (every method with its default parameters). */
export const TCPD_PUBLISHED_FILES = { f1: 'default_f1_combined_full.tex', cover: 'default_cover_combined_full.tex' } as const;

export interface F1Cover {
  readonly f1: number;
  readonly cover: number;
}

/**
 * Means over TCPD's univariate series, default parameters, from the paper's aggregate table (van den Burg &
 * Williams 2020, `aggregate_scores_wide.tex`): binseg has the best default F1 and Cover; `zero` predicts no
 * change point at all, the floor a method must clear.
 */
export const PUBLISHED_TCPD_MEANS: Readonly<Record<'binseg' | 'pelt' | 'bocpd' | 'zero', F1Cover>> = {
  binseg: { f1: 0.698, cover: 0.672 },
  pelt: { f1: 0.674, cover: 0.652 },
  bocpd: { f1: 0.662, cover: 0.594 },
  zero: { f1: 0.645, cover: 0.566 },
};

/** The published columns the report shows: three strong methods, `zero`, and the best method per series. */
export const TCPD_PUBLISHED_COLUMNS = ['binseg', 'pelt', 'bocpd', 'zero', 'best'] as const;
export type TcpdPublishedColumn = (typeof TCPD_PUBLISHED_COLUMNS)[number];

export interface PublishedTcpd {
  readonly f1: PublishedScores;
  readonly cover: PublishedScores;
}

/**
 * The published default F1 and Cover tables under `<dataDir>/published/`, or null when that directory is
 * absent (the run is then scored without them). A directory without both tables is an error.
 */
export function readPublishedTcpd(dataDir: string): PublishedTcpd | null {
  const dir = join(dataDir, TCPD_FILES.published);
  if (!existsSync(dir)) return null;
  const read = (file: string): PublishedScores => {
    const path = join(dir, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read TCPD published table ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return parsePublishedTable(text, path).scores;
  };
  return { f1: read(TCPD_PUBLISHED_FILES.f1), cover: read(TCPD_PUBLISHED_FILES.cover) };
}

/** A method's published score for one series; null for a failed (F), missing (M) or empty cell, or an absent series. */
export function publishedScore(scores: PublishedScores, dataset: string, method: string): number | null {
  return scores.get(dataset)?.get(method) ?? null;
}

/** The highest published score of any method for one series (the bold cell); null where none has one. */
export function bestPublishedScore(scores: PublishedScores, dataset: string): number | null {
  const row = scores.get(dataset);
  return row === undefined || row.size === 0 ? null : Math.max(...row.values());
}

/** A report column's published score: the named method's, or for `best` the highest of any method. */
export function publishedColumnScore(scores: PublishedScores, dataset: string, column: TcpdPublishedColumn): number | null {
  return column === 'best' ? bestPublishedScore(scores, dataset) : publishedScore(scores, dataset, column);
}
