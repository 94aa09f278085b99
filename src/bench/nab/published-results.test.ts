import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNabCorpus } from './corpus.js';
import type { NabCorpus } from './corpus.js';
import { NAB_PROFILE_NAMES } from './profiles.js';
import { scoreNabResults } from './score-results.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DATA_DIR = resolve(REPO_ROOT, '../shared/data/nab');
const RESULTS_DIR = resolve(REPO_ROOT, '../shared/data/nab-results/numenta');

interface PublishedRow {
  file: string;
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

/** NAB's `numenta_<profile>_scores.csv`: Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count. */
function readPublished(profile: string): PublishedRow[] {
  const lines = readFileSync(`${RESULTS_DIR}/numenta_${profile}_scores.csv`, 'utf8').trim().split('\n').slice(1);
  return lines
    .map((line) => line.split(','))
    .filter((cells) => cells[2] !== '' && cells[0] !== 'Totals')
    .map((c) => ({ file: c[2]!, threshold: Number(c[3]), score: Number(c[4]), tp: Number(c[5]), tn: Number(c[6]), fp: Number(c[7]), fn: Number(c[8]) }));
}

describe("NAB's published HTM results", () => {
  let corpus: NabCorpus | undefined;
  const load = (): NabCorpus => {
    expect(existsSync(DATA_DIR), `NAB data missing: expected ${DATA_DIR} (../shared/data/nab from the repo root)`).toBe(true);
    expect(existsSync(RESULTS_DIR), `NAB results missing: expected ${RESULTS_DIR} (../shared/data/nab-results/numenta from the repo root)`).toBe(true);
    corpus ??= loadNabCorpus(DATA_DIR);
    return corpus;
  };

  for (const profile of NAB_PROFILE_NAMES) {
    it(`reproduces every file's published ${profile} score (to 1e-6) and counts at the published threshold`, () => {
      const published = readPublished(profile);
      const result = scoreNabResults({ dataDir: DATA_DIR, resultsDir: RESULTS_DIR, corpus: load(), thresholds: { [profile]: published[0]!.threshold } });
      expect(result.detector).toBe('numenta');
      expect(published.length).toBe(result.files);
      for (const row of published) {
        const ours = result.scoring.files.find((f) => f.relativePath === row.file);
        expect(ours, row.file).toBeDefined();
        const s = ours!.profiles[profile];
        expect(Math.abs(s.score - row.score), `${row.file}: ${s.score} vs published ${row.score}`).toBeLessThan(1e-6);
        expect({ tp: s.tp, tn: s.tn, fp: s.fp, fn: s.fn }, row.file).toEqual({ tp: row.tp, tn: row.tn, fp: row.fp, fn: row.fn });
      }
      const total = published.reduce((sum, row) => sum + row.score, 0);
      expect(result.scoring.profiles[profile].rawScore).toBeCloseTo(total, 6);
    });
  }
});
