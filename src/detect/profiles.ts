import type { DetectionRule, DetectorUse } from '../config/index.js';
import { globToRegExp } from '../util/index.js';
import type { DetectorRegistry, ResolvedDetectorUse } from './registry.js';

/** A grouping detector's `groupOf` bound to its params: the series' group key, or null when it is in none. */
type GroupOfKey = (seriesKey: string) => string | null;

/** Most rules a configuration may hold: a series' profile travels as one byte per point. */
export const MAX_DETECTION_RULES = 254;

/**
 * The detector sets a configuration names: profile 0 is the default set; profile i + 1 belongs to
 * rule i, which applies to the series whose canonical key matches its glob. The first matching rule
 * wins, so specific rules go first.
 */
export class DetectorProfiles {
  /** Detector uses per profile. */
  readonly sets: readonly (readonly DetectorUse[])[];
  /** Whether any profile has a grouping detector; false lets routing skip the per-series work entirely. */
  readonly anyKeyed: boolean;
  private readonly patterns: readonly RegExp[];
  /** Per profile, the `groupOf` of its grouping detectors in listed order; empty for most profiles. */
  private readonly groupers: readonly (readonly GroupOfKey[])[];

  constructor(defaults: readonly DetectorUse[], rules: readonly DetectionRule[], registry: DetectorRegistry) {
    if (rules.length > MAX_DETECTION_RULES) throw new Error(`at most ${MAX_DETECTION_RULES} rules, got ${rules.length}`);
    const resolved = [checkSet(defaults, 'detectors', registry), ...rules.map((rule, i) => checkSet(rule.detectors, `rules[${i}].detectors`, registry))];
    this.patterns = rules.map((rule, i) => {
      try {
        return globToRegExp(rule.match);
      } catch (error) {
        throw new Error(`rules[${i}].match: ${(error as Error).message}`, { cause: error });
      }
    });
    this.sets = [defaults, ...rules.map((rule) => rule.detectors)];
    this.groupers = resolved.map((uses) =>
      uses.flatMap(({ definition, params }) => {
        const groupOf = definition.groupOf?.bind(definition);
        return groupOf === undefined ? [] : [(key: string) => groupOf(params, key)];
      }),
    );
    this.anyKeyed = this.groupers.some((groupers) => groupers.length > 0);
  }

  /** Profile of a series by its canonical key. */
  profileOf(key: string): number {
    for (let i = 0; i < this.patterns.length; i++) if (this.patterns[i]!.test(key)) return i + 1;
    return 0;
  }

  /**
   * What the router hashes to place a series: the group key the first grouping detector of the series' profile puts
   * it in, so that a group meets in one partition; the series key itself when it is in no group.
   */
  routingKeyOf(key: string): string {
    if (!this.anyKeyed) return key;
    for (const groupOf of this.groupers[this.profileOf(key)]!) {
      const group = groupOf(key);
      if (group !== null) return group;
    }
    return key;
  }

  /** Whether the profile has a grouping detector, whose instances must be created knowing their series key. */
  keyed(profile: number): boolean {
    return (this.groupers[profile]?.length ?? 0) > 0;
  }

  /** Every detector id any profile uses, in first-seen order. */
  detectorIds(): string[] {
    return [...new Set(this.sets.flatMap((set) => set.map((use) => use.id)))];
  }
}

function checkSet(uses: readonly DetectorUse[], field: string, registry: DetectorRegistry): ResolvedDetectorUse[] {
  if (uses.length === 0) throw new Error(`${field} must list at least one detector`);
  const seen = new Set<string>();
  return uses.map((use, i) => {
    // Anomalies are keyed by detector id, so one detector twice would overwrite its own results.
    if (seen.has(use.id)) throw new Error(`${field}[${i}]: detector ${JSON.stringify(use.id)} is listed twice`);
    seen.add(use.id);
    try {
      return registry.resolve(use);
    } catch (error) {
      throw new Error(`${field}[${i}]: ${(error as Error).message}`, { cause: error });
    }
  });
}
