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
  const merged: ModelCounters = { ...first, sinceMs: null, production: emptyArm(), candidate: emptyArm(), paired: emptyPair() };
  for (const c of group) {
    addInto(merged.production, c.production);
    addInto(merged.candidate, c.candidate);
    addInto(merged.paired, c.paired);
    if (c.sinceMs !== null && (merged.sinceMs === null || c.sinceMs < merged.sinceMs)) merged.sinceMs = c.sinceMs;
  }
  return { counters: merged, partitionsBehind: found.length - group.length };
}
