import { BUILTIN_DETECTORS, DEFAULT_DETECTOR_ID, DetectorRegistry } from '../../detect/index.js';
import type { Detector } from '../../detect/index.js';
import { loadNabCorpus } from './corpus.js';
import type { NabCorpus } from './corpus.js';
import { scoreNabCorpus } from './corpus-score.js';
import type { NabScores } from './corpus-score.js';
import { garbageCollector, retainedBytes } from './heap.js';

export interface NabBenchmarkOptions {
  /** Corpus root in NAB's layout (`data/`, `labels/`, `config/`). */
  readonly dataDir: string;
  /** Registered detector id; the default detector when absent. */
  readonly detectorId?: string;
  /** Raw detector parameters, validated by the detector; defaults when absent. */
  readonly params?: unknown;
  /** The corpus at `dataDir`, already loaded (to evaluate several detectors or parameter sets without reloading). */
  readonly corpus?: NabCorpus;
  readonly registry?: DetectorRegistry;
}

export interface NabBenchmarkResult {
  readonly suite: 'nab';
  readonly detector: string;
  /** Parameters as the detector parsed them, defaults filled in. */
  readonly params: unknown;
  readonly dataDir: string;
  readonly files: number;
  readonly points: number;
  readonly windows: number;
  readonly corpus: NabCorpus;
  readonly scoring: NabScores;
  /** Per corpus file, the detector's score for every row. */
  readonly anomalyScores: readonly Float64Array[];
  /** Time inside detection alone: creating each file's detector and streaming its rows through `update`. */
  readonly detectSeconds: number;
  readonly pointsPerSecond: number;
  readonly nsPerPoint: number;
  /**
   * Memory one detector holds after its file: JavaScript heap plus typed-array buffers retained by all
   * the files' live detectors, less the same after they are dropped (each after a forced full GC),
   * divided by the number of files. Null when the runtime refuses to force a GC.
   */
  readonly bytesPerSeries: number | null;
  /** Mean size of a detector's JSON snapshot at the end of its file: a lower bound of its state. */
  readonly snapshotBytesPerSeries: number;
  /** Wall time of the whole run: loading (unless a corpus was given), detection, scoring. */
  readonly totalSeconds: number;
}

function checkScores(id: string, relativePath: string, scores: Float64Array): void {
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s >= 0 && s <= 1)) throw new Error(`cannot score detector ${id} on ${relativePath}: row ${i} scored ${s}, outside [0, 1]`);
  }
}

/**
 * Runs a detector over every file of a NAB corpus, streaming rows one by one into a fresh detector per
 * file (its warm-up is the file's probationary period, as NAB gives it), then scores the result as NAB
 * does, with thresholds optimised per profile over the whole corpus.
 */
export function runNabBenchmark(options: NabBenchmarkOptions): NabBenchmarkResult {
  const startNs = process.hrtime.bigint();
  const corpus = options.corpus ?? loadNabCorpus(options.dataDir);
  const registry = options.registry ?? new DetectorRegistry(BUILTIN_DETECTORS);
  const detectorId = options.detectorId ?? DEFAULT_DETECTOR_ID;
  const definition = registry.get(detectorId);
  const params = definition.parseParams(options.params);
  const anomalyScores = corpus.files.map((file) => new Float64Array(file.timestampsMs.length));
  const gc = garbageCollector();
  const detectors: Detector[] = [];
  let detectNs = 0n;
  corpus.files.forEach((file, f) => {
    const scores = anomalyScores[f]!;
    const { timestampsMs, values } = file;
    const n = timestampsMs.length;
    const fileStartNs = process.hrtime.bigint();
    const detector = definition.create(params, { warmupPoints: file.probationRows });
    for (let i = 0; i < n; i++) scores[i] = detector.update(timestampsMs[i]!, values[i]!);
    detectNs += process.hrtime.bigint() - fileStartNs;
    detectors.push(detector);
    checkScores(detectorId, file.relativePath, scores);
  });
  let snapshotBytes = 0;
  const snapshots = detectors.map((detector) => detector.snapshot());
  for (const snapshot of snapshots) snapshotBytes += Buffer.byteLength(JSON.stringify(snapshot));
  detectors.length = 0;
  const bytesPerSeries = gc === null ? null : measureBytesPerSeries(gc, () => snapshots.map((snapshot, f) => {
    const detector = definition.create(params, { warmupPoints: corpus.files[f]!.probationRows });
    detector.restore(snapshot);
    return detector;
  }));
  const scoring = scoreNabCorpus(corpus, anomalyScores);
  const detectSeconds = Number(detectNs) / 1e9;
  return {
    suite: 'nab',
    detector: detectorId,
    params,
    dataDir: corpus.dataDir,
    files: corpus.files.length,
    points: corpus.pointCount,
    windows: corpus.windowCount,
    corpus,
    scoring,
    anomalyScores,
    detectSeconds,
    pointsPerSecond: detectSeconds > 0 ? corpus.pointCount / detectSeconds : 0,
    nsPerPoint: corpus.pointCount > 0 ? Number(detectNs) / corpus.pointCount : 0,
    bytesPerSeries,
    snapshotBytesPerSeries: Math.round(snapshotBytes / corpus.files.length),
    totalSeconds: Number(process.hrtime.bigint() - startNs) / 1e9,
  };
}

/** Copies of each file's final detector state held at once, so the heap difference stands above GC noise. */
const MEMORY_REPLICAS = 20;
/** Measurements taken; the median is reported. */
const MEMORY_ROUNDS = 3;

/**
 * Heap and typed-array bytes retained per live detector: every file's final state is restored into
 * MEMORY_REPLICAS fresh detectors, and the retained memory with and without them is compared after full
 * garbage collections; the median of MEMORY_ROUNDS rounds is reported.
 */
function measureBytesPerSeries(gc: () => void, restoreAll: () => Detector[]): number {
  const settled = (): number => {
    // Typed-array memory is released by a later collection than the objects that held it.
    for (let i = 0; i < 3; i++) gc();
    return retainedBytes();
  };
  const rounds: number[] = [];
  for (let round = 0; round < MEMORY_ROUNDS; round++) {
    const before = settled();
    const live: Detector[][] = [];
    for (let r = 0; r < MEMORY_REPLICAS; r++) live.push(restoreAll());
    const withDetectors = settled();
    const count = live.reduce((sum, list) => sum + list.length, 0);
    live.length = 0;
    rounds.push(Math.max(0, Math.round((withDetectors - before) / count)));
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(rounds.length / 2)]!;
}
