import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorContext, DetectorDefinition, DetectorState } from '../detector.js';
import { readNumber, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyLikelihood, readAnomalyLikelihoodState, scoreOfSurprise } from './anomaly-likelihood.js';
import type { AnomalyLikelihoodOptions, AnomalyLikelihoodState } from './anomaly-likelihood.js';
import { RangeBreak, readRangeBreak } from './range-break.js';
import { ENSEMBLE_ID, memberDefinition, parseEnsembleParams } from './ensemble-params.js';
import type { EnsembleParams } from './ensemble-params.js';

const STATE_VERSION = 1;

/**
 * Several light detectors, each judged by its own anomaly likelihood, combined into one score.
 *
 * Every member's raw score goes through an `AnomalyLikelihood`, so a member that is noisy on this series
 * is judged against its own noise and scores from different members become comparable surprises
 * (-log10 tail probabilities). A value that leaves the range of every value seen so far by more than
 * `rangeTolerance` of that range is surprising in proportion to how far it goes (as HTM's detector treats
 * such values). The point's surprise is the largest of these; its kind and expected value come from the
 * member that gave it. Once the surprise reaches `alarmSurprise` (score 0.99) an alarm is raised
 * and the next `restShare × warm-up` points score 0: one event gives one alarm, at its start.
 */
class EnsembleDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  private readonly members: Detector[];
  private readonly likelihoods: AnomalyLikelihood[];
  private readonly range = new RangeBreak();
  private readonly restPoints: number;
  private readonly warmupPoints: number;
  private readonly order = new InputOrder();
  /** Valid points seen, saturating (it only gates the warm-up). */
  private seen = 0;
  /** Points left in the rest after the last alarm. */
  private restLeft = 0;

  constructor(
    private readonly params: EnsembleParams,
    private readonly context: DetectorContext | undefined,
  ) {
    const warmupPoints = context?.warmupPoints ?? params.defaultWarmupPoints;
    this.members = params.members.map((m, i) => memberDefinition(m.id, `members[${i}]`).create(m.params, context));
    const options = likelihoodOptions(params, warmupPoints);
    this.likelihoods = params.members.map(() => new AnomalyLikelihood(options));
    this.restPoints = Math.floor(params.restShare * warmupPoints);
    this.warmupPoints = warmupPoints;
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    if (this.seen < Number.MAX_SAFE_INTEGER) this.seen++;
    const p = this.params;
    const excess = this.range.update(value);
    // Early on every new value stretches the range; it means something only once the warm-up has shaped it.
    const rangeBroken = p.rangeTolerance > 0 && excess > p.rangeTolerance && this.seen > this.warmupPoints;
    let leader = -1;
    let leaderSurprise = 0;
    for (let i = 0; i < this.members.length; i++) {
      const likelihood = this.likelihoods[i]!;
      likelihood.update(this.members[i]!.update(timestampMs, value));
      if (likelihood.lastSurprise > leaderSurprise) {
        leaderSurprise = likelihood.lastSurprise;
        leader = i;
      }
    }
    const rangeSurprise = rangeBroken ? (p.alarmSurprise * excess) / p.rangeTolerance : 0;
    const surprise = Math.max(leaderSurprise, rangeSurprise);
    if (this.restLeft > 0) {
      this.restLeft--;
      return 0;
    }
    if (surprise === 0) return 0;
    if (surprise >= p.alarmSurprise) this.restLeft = this.restPoints;
    this.describe(leader, rangeSurprise > leaderSurprise);
    return scoreOfSurprise(surprise, p.alarmSurprise);
  }

  snapshot(): DetectorState {
    return {
      detector: ENSEMBLE_ID,
      version: STATE_VERSION,
      data: {
        members: this.members.map((m) => m.snapshot()),
        likelihoods: this.likelihoods.map((l) => l.snapshot()),
        ...this.order.snapshot(),
        seen: this.seen,
        restLeft: this.restLeft,
        ...this.range.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    const data = stateData(state, ENSEMBLE_ID, STATE_VERSION);
    const n = this.members.length;
    const members = data.members;
    const likelihoods = data.likelihoods;
    if (!Array.isArray(members) || members.length !== n) throw stateError(ENSEMBLE_ID, `members must be an array of ${n} member states`);
    if (!Array.isArray(likelihoods) || likelihoods.length !== n) throw stateError(ENSEMBLE_ID, `likelihoods must be an array of ${n} states`);
    const options = this.likelihoods[0]!.options;
    const likelihoodStates: AnomalyLikelihoodState[] = likelihoods.map((l, i) => readAnomalyLikelihoodState(l, options, ENSEMBLE_ID, `likelihoods[${i}]`));
    const order = readInputOrder(data, ENSEMBLE_ID);
    const seen = readNumber(data, 'seen', ENSEMBLE_ID);
    const restLeft = readNumber(data, 'restLeft', ENSEMBLE_ID);
    const range = readRangeBreak(data, ENSEMBLE_ID);
    // Members check their own states; restoring into fresh instances first means a bad one changes nothing here.
    const restoredMembers = this.params.members.map((m, i) => {
      const member = memberDefinition(m.id, `members[${i}]`).create(m.params, this.context);
      try {
        member.restore(members[i] as DetectorState);
      } catch (error) {
        throw stateError(ENSEMBLE_ID, `members[${i}]: ${(error as Error).message}`);
      }
      return member;
    });
    for (let i = 0; i < n; i++) {
      this.members[i] = restoredMembers[i]!;
      this.likelihoods[i]!.restore(likelihoodStates[i]!);
    }
    this.order.restore(order);
    this.seen = Math.max(0, Math.floor(seen));
    this.range.restore(range);
    this.restLeft = Math.max(0, Math.min(this.restPoints, Math.floor(restLeft)));
  }

  /**
   * Kind and expected value from the most surprised member; a member that names a kind fills in for it. A
   * range break that no member names is a spike, expected at the edge of the range it left.
   */
  private describe(leader: number, rangeBreak: boolean): void {
    if (leader >= 0) {
      this.lastKind = this.members[leader]!.lastKind;
      this.lastExpected = this.members[leader]!.lastExpected;
    }
    for (let i = 0; i < this.members.length && (this.lastKind === null || Number.isNaN(this.lastExpected)); i++) {
      const member = this.members[i]!;
      if (this.lastKind === null && member.lastKind !== null) {
        this.lastKind = member.lastKind;
        this.lastExpected = member.lastExpected;
      } else if (Number.isNaN(this.lastExpected)) {
        this.lastExpected = member.lastExpected;
      }
    }
    if (rangeBreak) {
      this.lastKind ??= 'spike';
      if (Number.isNaN(this.lastExpected)) this.lastExpected = this.range.lastEdge;
    }
  }
}

function likelihoodOptions(params: EnsembleParams, warmupPoints: number): AnomalyLikelihoodOptions {
  return {
    averagingPoints: params.averagingPoints,
    blockPoints: params.blockPoints,
    historyBlocks: params.historyBlocks,
    learningPoints: Math.floor(params.learningShare * warmupPoints),
    model: params.likelihoodModel,
    minLocation: params.minLocation,
    minScale: params.minScale,
    alarmSurprise: params.alarmSurprise,
  };
}

export const ensemble: DetectorDefinition<EnsembleParams> = {
  id: ENSEMBLE_ID,
  description: 'Ensemble: light detectors, each judged by its own anomaly likelihood; the most surprised one speaks, one alarm per event',
  parseParams: parseEnsembleParams,
  create: (params, context) => new EnsembleDetector(params, context),
};
