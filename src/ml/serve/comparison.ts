import type { ModelVersion, RolloutMode } from '../registry/index.js';
import type { ArmCounters, GroupCounters, ModelCounters, PairCounters } from './counters.js';

/** Points each version must have scored before the report recommends anything. */
export const MIN_COMPARISON_POINTS = 1_000;
/** The candidate's live error may exceed production's by this fraction and still be recommended. */
const ERROR_TOLERANCE = 0.05;
/** The candidate's alert rate may reach this multiple of production's (plus one alert in a thousand points). */
const ALERT_RATE_TOLERANCE = 2;
const ALERT_RATE_SLACK = 0.001;

export interface ArmReport {
  readonly version: number;
  readonly series: number;
  readonly points: number;
  /** Share of scored points that reached the anomaly threshold. */
  readonly alertRate: number | null;
  /** Mean |value − expected| on live points (data that arrived after training), in the series' units. */
  readonly meanAbsError: number | null;
  /** The held-out loss measured when the version was trained (from the registry). */
  readonly heldOutLoss: number | null;
}

export interface AgreementReport {
  /** Points both versions scored (shadow mode). */
  readonly points: number;
  /** Share of those points where both alerted or neither did. */
  readonly alertAgreement: number | null;
  readonly bothAlerted: number;
  readonly productionOnly: number;
  readonly candidateOnly: number;
  /** Pearson correlation of the two versions' scores; null when either is constant. */
  readonly scoreCorrelation: number | null;
}

export type Verdict = 'promote' | 'keep-production' | 'insufficient-data' | 'nothing-to-compare';

export interface ComparisonReport {
  readonly model: string;
  readonly mode: RolloutMode;
  /** Canary share of series (0 when not a canary). */
  readonly share: number;
  /** First point counted (ms); null before any. */
  readonly sinceMs: number | null;
  readonly production: ArmReport | null;
  readonly candidate: ArmReport | null;
  readonly agreement: AgreementReport | null;
  /** Detection partitions still serving an older plan, left out of the figures. */
  readonly partitionsBehind: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  /** Rows of a model served to groups of series (all zero for one-series models). */
  readonly groups: GroupCounters;
  /** What kept series or rows from being judged, one sentence each. */
  readonly notes: readonly string[];
}

function arm(counters: ArmCounters, version: number | null, registered: ModelVersion | null): ArmReport | null {
  if (version === null) return null;
  const heldOut = registered?.metrics.heldOutLoss;
  return {
    version,
    series: counters.series,
    points: counters.points,
    alertRate: counters.points === 0 ? null : counters.alerts / counters.points,
    meanAbsError: counters.points === 0 ? null : counters.absErrorSum / counters.points,
    heldOutLoss: heldOut === undefined ? null : heldOut,
  };
}

function agreement(pair: PairCounters): AgreementReport | null {
  if (pair.points === 0) return null;
  const n = pair.points;
  const covariance = pair.sumPC / n - (pair.sumP / n) * (pair.sumC / n);
  const varianceP = pair.sumPP / n - (pair.sumP / n) ** 2;
  const varianceC = pair.sumCC / n - (pair.sumC / n) ** 2;
  const correlation = varianceP > 1e-15 && varianceC > 1e-15 ? covariance / Math.sqrt(varianceP * varianceC) : null;
  return {
    points: n,
    alertAgreement: (n - pair.productionOnly - pair.candidateOnly) / n,
    bothAlerted: pair.bothAlerted,
    productionOnly: pair.productionOnly,
    candidateOnly: pair.candidateOnly,
    scoreCorrelation: correlation === null ? null : Math.max(-1, Math.min(1, correlation)),
  };
}

function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))}%`;
}

/**
 * The verdict, with its reasons: promote when both versions scored enough points, the candidate's live error is
 * no worse than production's (within 5%) and it does not alert much more often (at most twice as often, plus one
 * point in a thousand); otherwise keep production. In a canary the two versions see different series, which the
 * reasons say.
 */
function judge(mode: RolloutMode, production: ArmReport | null, candidate: ArmReport | null): { verdict: Verdict; reasons: string[] } {
  if (mode === 'off' || production === null || candidate === null) return { verdict: 'nothing-to-compare', reasons: ['no staging version is rolled out beside production (vigil models rollout NAME shadow|canary)'] };
  if (production.points < MIN_COMPARISON_POINTS || candidate.points < MIN_COMPARISON_POINTS) {
    return { verdict: 'insufficient-data', reasons: [`each version needs ${MIN_COMPARISON_POINTS} scored points; production has ${production.points}, the candidate ${candidate.points}`] };
  }
  const reasons: string[] = [];
  let ok = true;
  const pe = production.meanAbsError!;
  const ce = candidate.meanAbsError!;
  if (ce > pe * (1 + ERROR_TOLERANCE)) {
    ok = false;
    reasons.push(`the candidate's live error ${ce.toPrecision(4)} is above production's ${pe.toPrecision(4)}`);
  } else reasons.push(`the candidate's live error ${ce.toPrecision(4)} is within 5% of or below production's ${pe.toPrecision(4)}`);
  const pr = production.alertRate!;
  const cr = candidate.alertRate!;
  if (cr > pr * ALERT_RATE_TOLERANCE + ALERT_RATE_SLACK) {
    ok = false;
    reasons.push(`the candidate alerts on ${percent(cr)} of points, production on ${percent(pr)}`);
  } else reasons.push(`alert rates: candidate ${percent(cr)}, production ${percent(pr)}`);
  if (mode === 'canary') reasons.push('in a canary the versions score different series, so the figures compare like with like only when the series are alike');
  return { verdict: ok ? 'promote' : 'keep-production', reasons };
}

/** The report on one model's counters (merged over partitions) and its versions' registry records. */
export function comparisonReport(
  counters: ModelCounters,
  partitionsBehind: number,
  versions: { readonly production: ModelVersion | null; readonly candidate: ModelVersion | null },
): ComparisonReport {
  const production = arm(counters.production, counters.productionVersion, versions.production);
  const candidate = arm(counters.candidate, counters.candidateVersion, versions.candidate);
  const { verdict, reasons } = judge(counters.mode, production, candidate);
  return {
    model: counters.name,
    mode: counters.mode,
    share: counters.mode === 'canary' ? counters.share : 0,
    sinceMs: counters.sinceMs,
    production,
    candidate,
    agreement: counters.mode === 'shadow' ? agreement(counters.paired) : null,
    partitionsBehind,
    verdict,
    reasons,
    groups: counters.groups,
    notes: counters.notes,
  };
}
