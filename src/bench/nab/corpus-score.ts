import type { NabCorpus, NabFile } from './corpus.js';
import { scoredWindowCount, scoreFileAtThreshold } from './file-score.js';
import type { NabFileScore } from './file-score.js';
import { NAB_PROFILE_NAMES, perProfile } from './profiles.js';
import type { NabProfileName, PerProfile } from './profiles.js';
import { optimizeThresholds } from './threshold-sweep.js';

/** The corpus under one profile. */
export interface NabProfileResult {
  readonly threshold: number;
  /** True when the sweep chose the threshold; false when the caller gave it. */
  readonly optimized: boolean;
  /** Sum of the files' scores at the threshold (NAB's "Totals" row). */
  readonly rawScore: number;
  /** The score of a detector that never fires: every scored window missed. */
  readonly nullScore: number;
  /** The score of a detector that fires at the first row of every window and nowhere else. */
  readonly perfectScore: number;
  /** NAB score, 0 for the null detector and 100 for the perfect one; null when the corpus has no window. */
  readonly score: number | null;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly windowsDetected: number;
}

export interface NabFileResult {
  readonly relativePath: string;
  readonly category: string;
  readonly points: number;
  readonly windows: number;
  readonly profiles: PerProfile<NabFileScore>;
}

export interface NabCategoryProfileResult {
  readonly rawScore: number;
  /** Normalised within the category; null when it has no window. */
  readonly score: number | null;
  readonly windowsDetected: number;
  readonly fp: number;
}

export interface NabCategoryResult {
  readonly category: string;
  readonly files: number;
  readonly points: number;
  readonly windows: number;
  readonly profiles: PerProfile<NabCategoryProfileResult>;
}

export interface NabScores {
  readonly profiles: PerProfile<NabProfileResult>;
  /** In corpus order. */
  readonly files: readonly NabFileResult[];
  /** Sorted by name. */
  readonly categories: readonly NabCategoryResult[];
}

export interface NabScoreOptions {
  /** Thresholds to score at instead of optimising, per profile; profiles left out are optimised. */
  readonly thresholds?: Partial<PerProfile<number>>;
}

/** NAB's normalisation: 100 × (raw − null) / (perfect − null). */
export function normalizeNabScore(rawScore: number, nullScore: number, perfectScore: number): number | null {
  return perfectScore === nullScore ? null : (100 * (rawScore - nullScore)) / (perfectScore - nullScore);
}

function checkScores(corpus: NabCorpus, anomalyScores: readonly Float64Array[]): void {
  if (anomalyScores.length !== corpus.files.length) throw new Error(`cannot score NAB corpus: ${anomalyScores.length} score arrays for ${corpus.files.length} files`);
  corpus.files.forEach((file, f) => {
    const scores = anomalyScores[f]!;
    if (scores.length !== file.timestampsMs.length) throw new Error(`cannot score ${file.relativePath}: ${scores.length} anomaly scores for ${file.timestampsMs.length} rows`);
    for (let i = 0; i < scores.length; i++) {
      if (Number.isNaN(scores[i]!)) throw new Error(`cannot score ${file.relativePath}: the anomaly score of row ${i} is NaN`);
    }
  });
}

interface Totals {
  rawScore: number;
  nullScore: number;
  perfectScore: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  windowsDetected: number;
}

function totalsOf(corpus: NabCorpus, files: readonly NabFile[], results: readonly NabFileResult[], profile: NabProfileName): Totals {
  const cost = corpus.profiles[profile];
  const t: Totals = { rawScore: 0, nullScore: 0, perfectScore: 0, tp: 0, tn: 0, fp: 0, fn: 0, windowsDetected: 0 };
  files.forEach((file, k) => {
    const s = results[k]!.profiles[profile];
    t.rawScore += s.score;
    t.nullScore -= cost.fnWeight * scoredWindowCount(file);
    t.perfectScore += cost.tpWeight * file.windows.length;
    t.tp += s.tp;
    t.tn += s.tn;
    t.fp += s.fp;
    t.fn += s.fn;
    t.windowsDetected += s.windowsDetected;
  });
  return t;
}

/**
 * Scores a detector's anomaly scores (one array per corpus file, a score per row) as NAB does: per
 * profile one threshold for the whole corpus (optimised unless given), each file scored at it, and the
 * total normalised against the null and the perfect detector.
 */
export function scoreNabCorpus(corpus: NabCorpus, anomalyScores: readonly Float64Array[], options: NabScoreOptions = {}): NabScores {
  checkScores(corpus, anomalyScores);
  const given = options.thresholds ?? {};
  const needsSweep = NAB_PROFILE_NAMES.some((p) => given[p] === undefined);
  const optimized = needsSweep ? optimizeThresholds(corpus.files, anomalyScores, corpus.profiles) : null;
  const thresholds = perProfile((p) => given[p] ?? optimized![p].threshold);
  const files: NabFileResult[] = corpus.files.map((file, f) => ({
    relativePath: file.relativePath,
    category: file.category,
    points: file.timestampsMs.length,
    windows: file.windows.length,
    profiles: perProfile((p) => scoreFileAtThreshold(file, anomalyScores[f]!, thresholds[p], corpus.profiles[p])),
  }));
  const profiles = perProfile((p): NabProfileResult => {
    const t = totalsOf(corpus, corpus.files, files, p);
    return { threshold: thresholds[p], optimized: given[p] === undefined, ...t, score: normalizeNabScore(t.rawScore, t.nullScore, t.perfectScore) };
  });
  const names = [...new Set(corpus.files.map((file) => file.category))].sort();
  const categories = names.map((category): NabCategoryResult => {
    const members = corpus.files.map((file, f) => ({ file, result: files[f]! })).filter(({ file }) => file.category === category);
    const memberFiles = members.map((m) => m.file);
    const memberResults = members.map((m) => m.result);
    return {
      category,
      files: members.length,
      points: memberResults.reduce((sum, r) => sum + r.points, 0),
      windows: memberResults.reduce((sum, r) => sum + r.windows, 0),
      profiles: perProfile((p) => {
        const t = totalsOf(corpus, memberFiles, memberResults, p);
        return { rawScore: t.rawScore, score: normalizeNabScore(t.rawScore, t.nullScore, t.perfectScore), windowsDetected: t.windowsDetected, fp: t.fp };
      }),
    };
  });
  return { profiles, files, categories };
}
