import type { RolloutMode } from '../registry/index.js';

/** What one served version did on the points it scored. */
export interface ArmCounters {
  /** Series that got at least one score from this version. */
  series: number;
  points: number;
  /** Points whose score reached the anomaly threshold. */
  alerts: number;
  /** Sum of |value − expected| over `points`, in the series' units. */
  absErrorSum: number;
}

/** Points both versions scored (shadow mode): how far their judgements agree. */
export interface PairCounters {
  points: number;
  bothAlerted: number;
  productionOnly: number;
  candidateOnly: number;
  /** Sums for the correlation of the two scores. */
  sumP: number;
  sumC: number;
  sumPP: number;
  sumCC: number;
  sumPC: number;
}

/** One partition's counters for one model since its versions or rollout last changed. */
export interface ModelCounters {
  readonly name: string;
  readonly productionVersion: number | null;
  readonly candidateVersion: number | null;
  readonly mode: RolloutMode;
  readonly share: number;
  /** Timestamp of the first point counted; null before any. */
  sinceMs: number | null;
  readonly production: ArmCounters;
  readonly candidate: ArmCounters;
  readonly paired: PairCounters;
  /** Rows of multi-series models (groups of series judged together). */
  readonly groups: GroupCounters;
  /** What kept series or rows from being judged (one sentence each, at most MAX_NOTES). */
  readonly notes: string[];
}

/** What became of a multi-series model's rows. */
export interface GroupCounters {
  rowsJudged: number;
  /** Judged rows where a silent series carried its last value. */
  rowsCarried: number;
  /** Rows not judged: a feature never seen, too many silent, or too few rows before them for the model's window. */
  rowsSkipped: number;
  /** Points for a step whose row had already been judged. */
  latePoints: number;
}

/** Notes kept per model and partition: enough to name every kind of problem, bounded whatever the data. */
export const MAX_NOTES = 10;

export function emptyGroups(): GroupCounters {
  return { rowsJudged: 0, rowsCarried: 0, rowsSkipped: 0, latePoints: 0 };
}

/** Where scores are counted: the counters of one slot and its anomaly threshold. */
export interface CountingSlot {
  readonly counters: ModelCounters;
  readonly scoreThreshold: number;
}

/** Counts a scored point on `arm`; returns whether it reached the anomaly threshold. */
export function countScore(slot: CountingSlot, arm: ArmCounters, score: number, absError: number, timestampMs: number): boolean {
  const alerted = score > 0 && score >= slot.scoreThreshold;
  arm.points++;
  if (alerted) arm.alerts++;
  arm.absErrorSum += absError;
  if (slot.counters.sinceMs === null) slot.counters.sinceMs = timestampMs;
  return alerted;
}

/** Counts a point both versions scored (shadow mode). */
export function countPair(slot: CountingSlot, productionScore: number, score: number): void {
  const pair = slot.counters.paired;
  const alerted = score > 0 && score >= slot.scoreThreshold;
  const productionAlerted = productionScore > 0 && productionScore >= slot.scoreThreshold;
  pair.points++;
  if (alerted && productionAlerted) pair.bothAlerted++;
  else if (productionAlerted) pair.productionOnly++;
  else if (alerted) pair.candidateOnly++;
  pair.sumP += productionScore;
  pair.sumC += score;
  pair.sumPP += productionScore * productionScore;
  pair.sumCC += score * score;
  pair.sumPC += productionScore * score;
}

export function emptyArm(): ArmCounters {
  return { series: 0, points: 0, alerts: 0, absErrorSum: 0 };
}

export function emptyPair(): PairCounters {
  return { points: 0, bothAlerted: 0, productionOnly: 0, candidateOnly: 0, sumP: 0, sumC: 0, sumPP: 0, sumCC: 0, sumPC: 0 };
}

function addInto<T extends object>(into: T, from: T): void {
  for (const key of Object.keys(into) as (keyof T)[]) (into[key] as number) += from[key] as number;
}

/**
 * The counters of every partition for `name`, summed. Partitions that still serve other versions (a change being
 * rolled out to them) are left out and counted in `partitionsBehind`; the newest configuration is the one most
 * partitions report.
 */
export function mergeCounters(reports: readonly (readonly ModelCounters[])[], name: string): { counters: ModelCounters | null; partitionsBehind: number } {
  const found = reports.flatMap((report) => report.filter((c) => c.name === name));
  if (found.length === 0) return { counters: null, partitionsBehind: 0 };
  const keyOf = (c: ModelCounters): string => `${c.productionVersion}/${c.candidateVersion}/${c.mode}/${c.share}`;
  const byKey = new Map<string, ModelCounters[]>();
  for (const c of found) byKey.set(keyOf(c), [...(byKey.get(keyOf(c)) ?? []), c]);
  const group = [...byKey.values()].sort((a, b) => b.length - a.length)[0]!;
  const first = group[0]!;
  const merged: ModelCounters = { ...first, sinceMs: null, production: emptyArm(), candidate: emptyArm(), paired: emptyPair(), groups: emptyGroups(), notes: [] };
  for (const c of group) {
    addInto(merged.production, c.production);
    addInto(merged.candidate, c.candidate);
    addInto(merged.paired, c.paired);
    addInto(merged.groups, c.groups);
    for (const note of c.notes) if (!merged.notes.includes(note) && merged.notes.length < MAX_NOTES) merged.notes.push(note);
    if (c.sinceMs !== null && (merged.sinceMs === null || c.sinceMs < merged.sinceMs)) merged.sinceMs = c.sinceMs;
  }
  return { counters: merged, partitionsBehind: found.length - group.length };
}
