import { DEFAULT_DEEPLOG_PARAMS, DEFAULT_INVARIANT_PARAMS, DEFAULT_NGRAM_PARAMS, DEFAULT_PCA_PARAMS, trainDeepLog, trainInvariants, trainNgram, trainPca } from '../../logs/index.js';
import type { DeepLogDetector, SequenceDetector, Session } from '../../logs/index.js';
import { loadHdfsSessions } from './data.js';
import type { HdfsSessions } from './data.js';
import { detectionQuality } from './metrics.js';
import type { Confusion, DetectionQuality } from './metrics.js';

/** A trained method: how it flags a list of sessions, and what it holds that must be freed. */
interface Trained {
  readonly threshold: number;
  /** Number of the sessions flagged as anomalous. */
  flagged(sessions: readonly Session[]): number;
  dispose(): void;
}

/** One sequence method with its single parameter set: no tuning on the test labels. */
interface HdfsMethod {
  readonly id: string;
  readonly params: object;
  train(sessions: readonly Session[]): Trained | Promise<Trained>;
}

/** One session at a time, as a streaming caller would. */
function oneByOne(detector: SequenceDetector): Trained {
  return {
    threshold: detector.threshold,
    flagged(sessions) {
      let count = 0;
      for (const session of sessions) if (detector.isAnomalous(session)) count++;
      return count;
    },
    dispose() {},
  };
}

/** All sessions in one call, so the model predicts their distinct windows in large batches. */
function batched(detector: DeepLogDetector): Trained {
  return {
    threshold: detector.threshold,
    flagged(sessions) {
      let count = 0;
      for (const score of detector.scoreMany(sessions)) if (score > detector.threshold) count++;
      return count;
    },
    dispose: () => detector.dispose(),
  };
}

const METHODS: readonly HdfsMethod[] = [
  { id: 'ngram', params: DEFAULT_NGRAM_PARAMS, train: (s) => oneByOne(trainNgram(s, DEFAULT_NGRAM_PARAMS)) },
  { id: 'pca', params: DEFAULT_PCA_PARAMS, train: (s) => oneByOne(trainPca(s, DEFAULT_PCA_PARAMS)) },
  { id: 'invariants', params: DEFAULT_INVARIANT_PARAMS, train: (s) => oneByOne(trainInvariants(s, DEFAULT_INVARIANT_PARAMS)) },
  { id: 'deeplog', params: DEFAULT_DEEPLOG_PARAMS, train: async (s) => batched(await trainDeepLog(s, DEFAULT_DEEPLOG_PARAMS)) },
];

export const HDFS_METHOD_IDS: readonly string[] = METHODS.map((m) => m.id);

export interface HdfsMethodResult extends Confusion, DetectionQuality {
  readonly trainMs: number;
  readonly scoreMs: number;
  /** Test sessions scored per second. */
  readonly sessionsPerSecond: number;
  readonly threshold: number;
  readonly params: object;
}

export interface HdfsBenchmarkResult {
  readonly trainSessions: number;
  readonly testNormalSessions: number;
  readonly testAbnormalSessions: number;
  readonly methods: Readonly<Record<string, HdfsMethodResult>>;
  /** The method with the highest F1 (the first listed on a tie). */
  readonly best: { readonly method: string } & DetectionQuality;
}

function elapsedMs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

async function runMethod(method: HdfsMethod, data: HdfsSessions): Promise<HdfsMethodResult> {
  const trainStartNs = process.hrtime.bigint();
  const detector = await method.train(data.train);
  const trainMs = elapsedMs(trainStartNs);
  const scoreStartNs = process.hrtime.bigint();
  let falsePositives: number;
  let truePositives: number;
  try {
    falsePositives = detector.flagged(data.testNormal);
    truePositives = detector.flagged(data.testAbnormal);
  } finally {
    detector.dispose();
  }
  const scoreMs = elapsedMs(scoreStartNs);
  const confusion: Confusion = {
    truePositives,
    falsePositives,
    falseNegatives: data.testAbnormal.length - truePositives,
    trueNegatives: data.testNormal.length - falsePositives,
  };
  const scored = data.testNormal.length + data.testAbnormal.length;
  return {
    ...detectionQuality(confusion),
    ...confusion,
    trainMs,
    scoreMs,
    sessionsPerSecond: scoreMs > 0 ? (scored * 1000) / scoreMs : scored * 1e6,
    threshold: detector.threshold,
    params: method.params,
  };
}

/** Trains every method on the normal training sessions and scores the labelled test sessions, one method at a time. */
export async function runHdfsOnSessions(data: HdfsSessions): Promise<HdfsBenchmarkResult> {
  const methods: Record<string, HdfsMethodResult> = {};
  let best: HdfsBenchmarkResult['best'] | undefined;
  for (const method of METHODS) {
    const result = await runMethod(method, data);
    methods[method.id] = result;
    if (best === undefined || result.f1 > best.f1) best = { method: method.id, precision: result.precision, recall: result.recall, f1: result.f1 };
  }
  return {
    trainSessions: data.train.length,
    testNormalSessions: data.testNormal.length,
    testAbnormalSessions: data.testAbnormal.length,
    methods,
    best: best!,
  };
}

/** `vigil bench hdfs`: the DeepLog HDFS split from a directory (`hdfs_train`, `hdfs_test_normal`, `hdfs_test_abnormal`). */
export async function runHdfsBenchmark(options: { readonly dataDir: string }): Promise<HdfsBenchmarkResult> {
  return runHdfsOnSessions(loadHdfsSessions(options.dataDir));
}
