import { describe, expect, it } from 'vitest';
import { buildNabFile, corpusOf } from './corpus.js';
import type { NabFile } from './corpus.js';
import { normalizeNabScore, scoreNabCorpus } from './corpus-score.js';
import { scoreFileAtThreshold } from './file-score.js';
import { NAB_PROFILE_NAMES, parseNabProfiles } from './profiles.js';
import type { NabCostMatrix } from './profiles.js';
import { NAB_PROFILES_JSON } from './temp-corpus.testsuite.js';
import { optimizeThresholds } from './threshold-sweep.js';
import { probationaryRows } from './windows.js';

const MINUTE_MS = 60_000;
const STANDARD: NabCostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const PROFILES = parseNabProfiles(NAB_PROFILES_JSON, 'profiles.json');

/** NAB's scaled sigmoid written another way: 2·sigmoid(−5x) − 1 = −tanh(5x/2). */
const sigmoidOf = (x: number): number => -Math.tanh(2.5 * x);
const MAX_TP = sigmoidOf(-1);

/** A file of `rows` rows a minute apart with windows given as [firstRow, lastRow]. */
function file(rows: number, windows: readonly [number, number][], name = 'cat/file.csv'): NabFile {
  const timestampsMs = new Float64Array(rows).map((_, i) => i * MINUTE_MS);
  return buildNabFile(name, { timestampsMs, values: new Float64Array(rows) }, windows.map(([a, b]) => [a * MINUTE_MS, b * MINUTE_MS] as [number, number]));
}

/** Scores 1 at the given rows, 0 elsewhere. */
function detections(rows: number, at: readonly number[]): Float64Array {
  const scores = new Float64Array(rows);
  for (const i of at) scores[i] = 1;
  return scores;
}

// 100 rows: rows 0..14 are probationary; one window over rows 40..49 (10 rows).
const ROWS = 100;
const single = file(ROWS, [[40, 49]]);

describe('NAB scoring of one file', () => {
  it('has a probationary period of min(floor(15% of rows), 750)', () => {
    expect(probationaryRows(100)).toBe(15);
    expect(probationaryRows(4032)).toBe(604);
    expect(probationaryRows(22695)).toBe(750);
    expect(single.probationRows).toBe(15);
    expect(single.windows).toEqual([{ firstRow: 40, lastRow: 49 }]);
  });

  it('gives a detection at the first row of a window the full tpWeight', () => {
    const s = scoreFileAtThreshold(single, detections(ROWS, [40]), 0.5, STANDARD);
    expect(s.score).toBeCloseTo(1, 12);
    expect(s).toMatchObject({ tp: 1, fn: 9, fp: 0, tn: 75, windowsDetected: 1 });
  });

  it('gives a detection at the last row of a window the sigmoid of -1/length', () => {
    const s = scoreFileAtThreshold(single, detections(ROWS, [49]), 0.5, STANDARD);
    expect(s.score).toBeCloseTo(sigmoidOf(-0.1) / MAX_TP, 12);
    expect(s.score).toBeCloseTo(0.2449186624 / 0.9866142982, 9);
  });

  it('counts only the earliest detection in a window, though every detected row is a TP row', () => {
    const s = scoreFileAtThreshold(single, detections(ROWS, [45, 47, 49]), 0.5, STANDARD);
    expect(s.score).toBeCloseTo(sigmoidOf(-0.5) / MAX_TP, 12);
    expect(s).toMatchObject({ tp: 3, fn: 7, windowsDetected: 1 });
  });

  it('weights a false positive after a window by the sigmoid of its distance in window lengths', () => {
    // Row 52 is 3 rows past the window's end; NAB divides by the length less one (9).
    const s = scoreFileAtThreshold(single, detections(ROWS, [52]), 0.5, STANDARD);
    expect(s.score).toBeCloseTo(-1 + 0.11 * sigmoidOf(3 / 9), 12);
    expect(s).toMatchObject({ tp: 0, fn: 10, fp: 1, tn: 74 });
    // Far away (more than 3 lengths) and before any window, a false positive costs the full fpWeight.
    expect(scoreFileAtThreshold(single, detections(ROWS, [90]), 0.5, STANDARD).score).toBeCloseTo(-1.11, 12);
    expect(scoreFileAtThreshold(single, detections(ROWS, [20]), 0.5, STANDARD).score).toBeCloseTo(-1.11, 12);
  });

  it('ignores detections in the probationary period', () => {
    const s = scoreFileAtThreshold(single, detections(ROWS, [3, 14]), 0.5, STANDARD);
    expect(s).toEqual({ score: -1, tp: 0, fn: 10, fp: 0, tn: 75, windowsDetected: 0 });
  });

  it('does not score a window inside the probationary period, but measures later false positives from it', () => {
    const early = file(ROWS, [
      [5, 9],
      [40, 49],
    ]);
    expect(scoreFileAtThreshold(early, detections(ROWS, []), 0.5, STANDARD).score).toBe(-1);
    // Row 20 is 11 rows after the early window's end, whose length less one is 4.
    expect(scoreFileAtThreshold(early, detections(ROWS, [20]), 0.5, STANDARD).score).toBeCloseTo(-1 + 0.11 * sigmoidOf(11 / 4), 12);
  });

  it('costs fnWeight for each missed window', () => {
    const two = file(ROWS, [
      [30, 34],
      [60, 69],
    ]);
    const lowFn = { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 };
    expect(scoreFileAtThreshold(two, detections(ROWS, []), 0.5, lowFn).score).toBe(-4);
    expect(scoreFileAtThreshold(two, detections(ROWS, [60]), 0.5, lowFn).score).toBeCloseTo(-2 + 1, 12);
  });

  it('detects at score >= threshold', () => {
    const scores = new Float64Array(ROWS);
    scores[40] = 0.7;
    expect(scoreFileAtThreshold(single, scores, 0.7, STANDARD).windowsDetected).toBe(1);
    expect(scoreFileAtThreshold(single, scores, 0.7000001, STANDARD).windowsDetected).toBe(0);
  });

  it('refuses windows that hold no row or overlap another', () => {
    expect(() => buildNabFile('c/x.csv', { timestampsMs: new Float64Array([0, 2, 4]), values: new Float64Array(3) }, [[1, 1]])).toThrow(
      /cannot place window .* of c\/x\.csv: no row lies within it/,
    );
    expect(() => file(ROWS, [
      [20, 30],
      [30, 40],
    ])).toThrow(/windows 0 and 1 overlap/);
  });
});

describe('NAB threshold optimisation and normalisation', () => {
  /** Deterministic uniform numbers in [0, 1). */
  function uniform(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }

  /** Tries every distinct score as the threshold, as NAB's list of thresholds does, keeping the first best. */
  function bruteForce(files: readonly NabFile[], scores: readonly Float64Array[], cost: NabCostMatrix): { threshold: number; score: number } {
    const candidates = [1.1, ...new Set(files.flatMap((f, k) => Array.from(scores[k]!.subarray(f.probationRows))))].sort((a, b) => b - a);
    let best = { threshold: NaN, score: -Infinity };
    for (const threshold of candidates) {
      const score = files.reduce((sum, f, k) => sum + scoreFileAtThreshold(f, scores[k]!, threshold, cost).score, 0);
      if (score > best.score + 1e-9) best = { threshold, score };
    }
    return best;
  }

  it('finds the same best threshold as scoring every distinct score, ties included', () => {
    const files = [
      file(300, [[100, 129]], 'a/one.csv'),
      file(500, [
        [150, 199],
        [350, 399],
      ], 'a/two.csv'),
      file(200, [], 'b/three.csv'),
    ];
    const thresholds = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const random = uniform(seed);
      const spread = 2 + (seed % 5);
      // Scores on a coarse grid (many ties), somewhat higher inside windows.
      const scores = files.map((f) =>
        new Float64Array(f.timestampsMs.length).map((_, i) => Math.round(Math.min(1, random() ** spread + (f.rowWindow[i]! >= 0 ? 0.3 * random() : 0)) * 100) / 100),
      );
      const chosen = optimizeThresholds(files, scores, PROFILES);
      for (const profile of NAB_PROFILE_NAMES) {
        const expected = bruteForce(files, scores, PROFILES[profile]);
        expect(chosen[profile].threshold, `seed ${seed} ${profile}`).toBe(expected.threshold);
        expect(chosen[profile].score).toBeCloseTo(expected.score, 9);
        thresholds.add(chosen[profile].threshold);
      }
    }
    // The cases exercise different trade-offs, not one corner.
    expect(thresholds.size).toBeGreaterThanOrEqual(4);
  });

  it('normalises to 100 for a perfect detector and to 0 for one that never fires', () => {
    const files = [file(300, [[100, 129]], 'a/one.csv'), file(500, [[150, 199], [350, 399]], 'a/two.csv'), file(200, [], 'b/three.csv')];
    const corpus = corpusOf('mem', files, PROFILES);
    const perfect = scoreNabCorpus(
      corpus,
      files.map((f) => detections(f.timestampsMs.length, f.windows.map((w) => w.firstRow))),
    );
    const silent = scoreNabCorpus(corpus, files.map((f) => new Float64Array(f.timestampsMs.length)));
    for (const profile of NAB_PROFILE_NAMES) {
      expect(perfect.profiles[profile].score).toBeCloseTo(100, 9);
      expect(perfect.profiles[profile].perfectScore).toBe(3);
      expect(silent.profiles[profile].score).toBe(0);
      expect(silent.profiles[profile].threshold).toBe(1.1);
    }
    expect(silent.profiles.reward_low_FN_rate.nullScore).toBe(-6);
    expect(normalizeNabScore(1, -3, 3)).toBeCloseTo(100 * (4 / 6), 12);
    expect(perfect.categories.map((c) => [c.category, c.windows, c.profiles.standard.score])).toEqual([
      ['a', 3, expect.closeTo(100, 9)],
      ['b', 0, null],
    ]);
  });

  it('scores at given thresholds when asked, per profile', () => {
    const files = [file(300, [[100, 129]], 'a/one.csv')];
    const scores = [detections(300, [100])];
    scores[0]![200] = 0.5;
    const result = scoreNabCorpus(corpusOf('mem', files, PROFILES), scores, { thresholds: { standard: 0.4 } });
    expect(result.profiles.standard).toMatchObject({ threshold: 0.4, optimized: false, fp: 1 });
    expect(result.profiles.reward_low_FP_rate).toMatchObject({ threshold: 1, optimized: true, fp: 0 });
  });
});
