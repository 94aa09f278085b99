import { initEngine } from '../../ml/engine/index.js';
import { seededRandom, shuffleInPlace } from '../../util/index.js';
import type { Engine, EngineBackend, LstmClassifier } from '../../ml/engine/index.js';
import { resolveDeepLogParams } from './deeplog-params.js';
import type { DeepLogParams } from './deeplog-params.js';
import { buildTrainingRows } from './deeplog-rows.js';
import type { TrainingRows } from './deeplog-rows.js';
import { fillSymbols, WindowTable } from './deeplog-windows.js';
import type { SequenceDetector } from './detector.js';
import type { Session } from './session.js';
import { keySpaceOf } from './session.js';

/** A trained DeepLog model. Holds tensors: call dispose() when done with it. */
export interface DeepLogDetector extends SequenceDetector {
  readonly method: 'deeplog';
  readonly params: DeepLogParams;
  readonly backend: EngineBackend;
  /** Weighted mean cross-entropy over the distinct training windows after each epoch (see windowWeighting). */
  readonly lossHistory: readonly number[];
  /**
   * Scores many sessions at once: the distinct windows not yet cached are predicted in large batches, which is far
   * faster than one session at a time. Element i is score(sessions[i]).
   */
  scoreMany(sessions: readonly Session[]): Float64Array;
  dispose(): void;
}

/** Windows predicted per call of the model when scoring. */
const PREDICT_BATCH = 2048;

/**
 * DeepLog (Du et al., CCS 2017): an LSTM predicts a distribution over the next key from the h keys before it; a
 * session is anomalous when one of its keys is not among the g most probable predictions of its window, or is a key
 * training never saw. The score is the worst 1-based rank of an actual key over the session (its number of classes
 * plus one for an unseen key), so score > g exactly when the session is anomalous.
 */
class DeepLogModel implements DeepLogDetector {
  readonly method = 'deeplog';
  readonly threshold: number;
  private readonly classes: number;
  private readonly endSymbol: number;
  private readonly unseenScore: number;
  /** 1-based rank of every class, per window already predicted. */
  private readonly cache: WindowTable<Uint32Array>;
  private symbols = new Int32Array(0);
  /** Per judged position of the sessions being scored: the ranks of its window (shared by equal windows). */
  private positionRanks: Uint32Array[] = [];
  private positionTargets = new Int32Array(0);
  private readonly order: Uint32Array;

  constructor(
    private readonly model: LstmClassifier,
    readonly params: DeepLogParams,
    readonly backend: EngineBackend,
    private readonly keySpace: number,
    /** 1 for each key id seen in training. */
    private readonly seen: Uint8Array,
    readonly lossHistory: readonly number[],
  ) {
    this.threshold = params.topCandidates;
    this.classes = model.spec.classes;
    this.endSymbol = params.judgeEnd ? keySpace : -1;
    this.unseenScore = Math.max(this.classes, params.topCandidates) + 1;
    this.cache = new WindowTable(params.historyLength);
    this.order = new Uint32Array(this.classes);
  }

  score(session: Session): number {
    return this.scoreMany([session])[0]!;
  }

  isAnomalous(session: Session): boolean {
    return this.score(session) > this.threshold;
  }

  scoreMany(sessions: readonly Session[]): Float64Array {
    const scores = new Float64Array(sessions.length);
    let start = 0;
    while (start < sessions.length) start = this.scoreChunk(sessions, start, scores);
    return scores;
  }

  dispose(): void {
    this.model.dispose();
    this.cache.clear();
  }

  /** Scores sessions from `start` until about PREDICT_BATCH new windows are gathered; returns the next start. */
  private scoreChunk(sessions: readonly Session[], start: number, scores: Float64Array): number {
    const h = this.params.historyLength;
    const pending = new WindowTable<Uint32Array>(h);
    const pendingWindows: number[] = [];
    const pendingRanks: Uint32Array[] = [];
    let positions = 0;
    let end = start;
    for (; end < sessions.length && pendingRanks.length < PREDICT_BATCH; end++) {
      const session = sessions[end]!;
      if (this.hasUnseenKey(session)) {
        scores[end] = this.unseenScore;
        continue;
      }
      const n = this.fill(session);
      this.reservePositions(positions + n);
      const symbols = this.symbols;
      for (let i = h; i < n; i++) {
        let ranks = this.cache.get(symbols, i - h) ?? pending.get(symbols, i - h);
        if (ranks === undefined) {
          ranks = new Uint32Array(this.classes);
          pending.add(symbols, i - h, ranks);
          for (let k = i - h; k < i; k++) pendingWindows.push(symbols[k]!);
          pendingRanks.push(ranks);
        }
        this.positionRanks[positions] = ranks;
        this.positionTargets[positions++] = symbols[i]!;
      }
    }
    this.predictRanks(Int32Array.from(pendingWindows), pendingRanks);
    let position = 0;
    for (let s = start; s < end; s++) {
      const session = sessions[s]!;
      // Ranks never exceed the class count, so only a session with an unseen key holds unseenScore here.
      if (scores[s] === this.unseenScore) continue;
      const judged = session.length + (this.endSymbol >= 0 ? 1 : 0);
      let worst = 0;
      for (let j = 0; j < judged; j++, position++) worst = Math.max(worst, this.positionRanks[position]![this.positionTargets[position]!]!);
      scores[s] = worst;
    }
    return end;
  }

  /** Runs the model on new windows, fills each one's ranks and keeps them in the cache (starting it over when full). */
  private predictRanks(windows: Int32Array, ranks: readonly Uint32Array[]): void {
    const h = this.params.historyLength;
    const classes = this.classes;
    const order = this.order;
    let probabilities: Float32Array = new Float32Array(0);
    for (let w = 0; w < ranks.length; w++) {
      // One long session can bring more than a batch of new windows: predict them a batch at a time.
      const inBatch = w % PREDICT_BATCH;
      if (inBatch === 0) probabilities = this.model.predict(windows.subarray(w * h, Math.min(w + PREDICT_BATCH, ranks.length) * h));
      const p = probabilities.subarray(inBatch * classes, (inBatch + 1) * classes);
      for (let c = 0; c < classes; c++) order[c] = c;
      order.sort((a, b) => p[b]! - p[a]!);
      const rank = ranks[w]!;
      // Equal probabilities share the better rank: a key is in the top-g when fewer than g keys are more probable.
      for (let j = 0; j < classes; j++) rank[order[j]!] = j > 0 && p[order[j]!] === p[order[j - 1]!] ? rank[order[j - 1]!]! : j + 1;
    }
    if (this.cache.size + ranks.length > this.params.cachedWindows) this.cache.clear();
    for (let w = 0; w < ranks.length && this.cache.size < this.params.cachedWindows; w++) this.cache.add(windows, w * h, ranks[w]!);
  }

  private hasUnseenKey(session: Session): boolean {
    for (let i = 0; i < session.length; i++) {
      const key = session[i]!;
      if (key >= this.keySpace || this.seen[key] === 0) return true;
    }
    return false;
  }

  private fill(session: Session): number {
    const needed = this.params.historyLength + session.length + 1;
    if (this.symbols.length < needed) this.symbols = new Int32Array(needed);
    return fillSymbols(session, this.params.historyLength, this.endSymbol, this.symbols);
  }

  private reservePositions(count: number): void {
    if (this.positionTargets.length >= count) return;
    const grown = new Int32Array(Math.max(count, 2 * this.positionTargets.length));
    grown.set(this.positionTargets);
    this.positionTargets = grown;
  }
}

/** Each distinct window's weight in the loss, scaled so the mean over the rows is 1. */
function rowWeightsOf(rows: TrainingRows, weighting: DeepLogParams['windowWeighting']): Float32Array {
  const raw = Float64Array.from(rows.occurrences, (n) => (weighting === 'occurrences' ? n : weighting === 'sqrt-occurrences' ? Math.sqrt(n) : 1));
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return Float32Array.from(raw, (w) => w / mean);
}

/** Rows `order[from, to)` as one batch: windows, target distributions and weights. */
function fillBatch(rows: TrainingRows, rowWeights: Float32Array, order: Uint32Array, from: number, to: number, classes: number): { windows: Int32Array; targets: Float32Array; weights: Float32Array } {
  const h = rows.windows.length / rows.count;
  const size = to - from;
  const windows = new Int32Array(size * h);
  const targets = new Float32Array(size * classes);
  const weights = new Float32Array(size);
  for (let b = 0; b < size; b++) {
    const row = order[from + b]!;
    windows.set(rows.windows.subarray(row * h, (row + 1) * h), b * h);
    const { symbols, counts } = rows.followers[row]!;
    const total = rows.occurrences[row]!;
    for (let k = 0; k < symbols.length; k++) targets[b * classes + symbols[k]!] = counts[k]! / total;
    weights[b] = rowWeights[row]!;
  }
  return { windows, targets, weights };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Trains DeepLog on normal sessions. Deterministic for a given seed and backend: seeded weights, a seeded shuffle of
 * the distinct windows each epoch. Yields to the event loop between epochs. `engine` defaults to a fresh initEngine().
 */
export async function trainDeepLog(sessions: readonly Session[], overrides: Partial<DeepLogParams> = {}, engine?: Engine): Promise<DeepLogDetector> {
  const params = resolveDeepLogParams(overrides);
  if (sessions.length === 0) throw new Error('cannot train deeplog: no training sessions');
  const keySpace = keySpaceOf(sessions);
  const seen = new Uint8Array(keySpace);
  for (const session of sessions) for (let i = 0; i < session.length; i++) seen[session[i]!] = 1;
  const endSymbol = params.judgeEnd ? keySpace : -1;
  const classes = params.judgeEnd ? keySpace + 1 : keySpace;
  const rows = buildTrainingRows(sessions, params.historyLength, endSymbol);
  if (rows.count === 0) throw new Error('cannot train deeplog: the training sessions hold no keys to predict (all empty, and judgeEnd is off)');
  const tensors = engine ?? (await initEngine());
  const model = tensors.createLstmClassifier({
    vocabularySize: keySpace,
    classes,
    windowLength: params.historyLength,
    hiddenUnits: params.hiddenUnits,
    layers: params.layers,
    learningRate: params.learningRate,
    seed: params.seed,
  });
  try {
    const random = seededRandom(params.seed ^ 0x5eed);
    const order = Uint32Array.from({ length: rows.count }, (_, i) => i);
    const rowWeights = rowWeightsOf(rows, params.windowWeighting);
    const lossHistory: number[] = [];
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      for (let from = 0; from < rows.count; from += params.batchSize) {
        const to = Math.min(from + params.batchSize, rows.count);
        const batch = fillBatch(rows, rowWeights, order, from, to, classes);
        lossSum += model.trainStep(batch.windows, batch.targets, batch.weights) * (to - from);
      }
      lossHistory.push(lossSum / rows.count);
      await yieldToEventLoop();
    }
    return new DeepLogModel(model, params, tensors.backend, keySpace, seen, lossHistory);
  } catch (err) {
    model.dispose();
    throw err;
  }
}
