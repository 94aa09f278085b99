import { loadNabCorpus } from './corpus.js';
import type { NabCorpus } from './corpus.js';
import { scoreNabCorpus } from './corpus-score.js';
import type { NabScores } from './corpus-score.js';
import type { PerProfile } from './profiles.js';
import { readNabResults } from './results-files.js';

export interface NabResultsScoringOptions {
  readonly dataDir: string;
  /** A detector's results: `<resultsDir>/<category>/<detector>_<file>.csv` with an `anomaly_score` column. */
  readonly resultsDir: string;
  /** The results files' detector prefix; inferred from the file names when absent. */
  readonly detectorName?: string;
  /** Score at these thresholds instead of optimising (per profile; profiles left out are optimised). */
  readonly thresholds?: Partial<PerProfile<number>>;
  readonly corpus?: NabCorpus;
}

export interface NabResultsScore {
  readonly suite: 'nab';
  readonly detector: string;
  readonly dataDir: string;
  readonly resultsDir: string;
  readonly files: number;
  readonly points: number;
  readonly windows: number;
  readonly scoring: NabScores;
  readonly totalSeconds: number;
}

/** Scores another detector's NAB-format results files against a corpus, as NAB does. */
export function scoreNabResults(options: NabResultsScoringOptions): NabResultsScore {
  const startNs = process.hrtime.bigint();
  const corpus = options.corpus ?? loadNabCorpus(options.dataDir);
  const { detectorName, anomalyScores } = readNabResults(options.resultsDir, corpus, options.detectorName);
  const scoring = scoreNabCorpus(corpus, anomalyScores, { thresholds: options.thresholds });
  return {
    suite: 'nab',
    detector: detectorName,
    dataDir: corpus.dataDir,
    resultsDir: options.resultsDir,
    files: corpus.files.length,
    points: corpus.pointCount,
    windows: corpus.windowCount,
    scoring,
    totalSeconds: Number(process.hrtime.bigint() - startNs) / 1e9,
  };
}
