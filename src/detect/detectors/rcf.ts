import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { scoreFromZ } from '../score.js';
import { readOptionalNumber, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { ExpectedLevel } from './expected-level.js';
import { LEVEL_SHIFT_SPECS, checkRampOrder } from './score-params.js';
import type { LevelShiftParams } from './score-params.js';
import { RandomCutForest } from './random-cut-forest.js';
import type { RandomCutForestState } from './random-cut-forest.js';
import { MAX_TREE_CAPACITY } from './random-cut-tree.js';

const ID = 'rcf';
const STATE_VERSION = 1;
/** Values are clamped here so that box widths and their sums stay finite. */
const MAX_ABS_VALUE = 1e300;

const SPECS = {
  trees: { type: 'integer', min: 1, max: 255, default: 10 },
  sampleSize: { type: 'integer', min: 16, max: MAX_TREE_CAPACITY, default: 1024 },
  shingleSize: { type: 'integer', min: 1, max: 64, default: 1 },
  decayHorizon: { type: 'number', min: 1, max: 1000, default: 5 },
  seed: { type: 'integer', min: 0, max: 0xffffffff, default: 42 },
  minPoints: { type: 'integer', min: 1, default: 256 },
  scoreLow: { type: 'number', min: 0, default: 1.5 },
  scoreHigh: { type: 'number', min: 0, default: 5 },
  ...LEVEL_SHIFT_SPECS,
} as const satisfies NumberParamSpecs<string>;

export interface RcfParams extends LevelShiftParams {
  /** Trees in the forest; the score is their average. */
  readonly trees: number;
  /** Points each tree samples. */
  readonly sampleSize: number;
  /** Consecutive values that make one point (a shingle); above 1 the forest judges shapes, not single values. */
  readonly shingleSize: number;
  /** A sampled point's weight falls by e every `decayHorizon × sampleSize` points, so the forest follows the series. */
  readonly decayHorizon: number;
  /** Seed of the forest's random cuts and samples (same seed and data, same scores). */
  readonly seed: number;
  /** Points learned before scoring starts when the caller gives no warm-up (score 0 until then). */
  readonly minPoints: number;
  /** Forest score (about 1 for ordinary points) up to which the anomaly score is 0. */
  readonly scoreLow: number;
  /** Forest score at which the anomaly score reaches 0.999 (isolated points near log2(sampleSize + 1)). */
  readonly scoreHigh: number;
}

function parseParams(raw: unknown): RcfParams {
  const p = parseNumberParams(ID, raw, SPECS);
  checkRampOrder(ID, p, 'scoreLow', 'scoreHigh');
  if (p.shingleSize >= p.sampleSize) throw paramsError(ID, `shingleSize must be < sampleSize (${p.sampleSize}), got ${p.shingleSize}`);
  return p;
}

/**
 * Streaming random cut forest (Guha et al., ICML 2016): every tree keeps a time-decayed sample of the
 * series' points (shingles of `shingleSize` values) and a point scores by how soon random cuts would
 * isolate it, normalised by the sample's own typical depth (see RandomCutTree.score), averaged over the
 * trees. The normalisation makes about 1 ordinary on every series, so one mapping to [0, 1] fits quiet
 * and noisy series alike; the sample follows the series, so a new level stops scoring as it fills it.
 */
class RcfDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private forest: RandomCutForest;
  private readonly warmupPoints: number;
  private readonly order = new InputOrder();
  private readonly level = new ExpectedLevel();
  private readonly run: AnomalyRun;

  constructor(
    private readonly params: RcfParams,
    context: DetectorContext | undefined,
  ) {
    this.forest = new RandomCutForest(params);
    this.warmupPoints = context?.warmupPoints ?? params.minPoints;
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  /** Bytes held by the forest's typed arrays. */
  get sizeBytes(): number {
    return this.forest.sizeBytes;
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    const clamped = value > MAX_ABS_VALUE ? MAX_ABS_VALUE : value < -MAX_ABS_VALUE ? -MAX_ABS_VALUE : value;
    const index = this.forest.ring.count;
    const slot = this.forest.push(clamped);
    let score = 0;
    if (slot >= 0) {
      if (index >= this.warmupPoints && this.forest.sampled > 0) score = scoreFromZ(this.forest.score(slot), this.params.scoreLow, this.params.scoreHigh);
      this.forest.learn(slot);
    }
    const level = this.level.value;
    if (!Number.isNaN(level)) {
      this.lastExpected = level;
      this.lastKind = this.run.kindOf(score > 0, clamped, level);
    }
    this.level.learn(clamped);
    return score;
  }

  snapshot(): DetectorState {
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        forest: this.forest.snapshot(),
        level: this.level.snapshot(),
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ID, STATE_VERSION);
    const forestData = data.forest;
    if (typeof forestData !== 'object' || forestData === null || Array.isArray(forestData)) throw stateError(ID, 'forest must be an object');
    const level = readOptionalNumber(data, 'level', ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    const forest = new RandomCutForest(this.params);
    forest.restore(forestData as RandomCutForestState, ID);
    this.forest = forest;
    this.level.restore(level);
    this.order.restore(order);
    this.run.restore(run);
  }
}

export const rcf: DetectorDefinition<RcfParams> = {
  id: ID,
  description: 'Streaming random cut forest: how soon random cuts isolate the newest value (or shingle) from a time-decayed sample',
  parseParams,
  create: (params, context) => new RcfDetector(params, context),
};
