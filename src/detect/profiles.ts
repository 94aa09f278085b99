import type { DetectionRule, DetectorUse } from '../config/index.js';
import { globToRegExp } from '../util/index.js';
import type { DetectorRegistry } from './registry.js';

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
  private readonly patterns: readonly RegExp[];

  constructor(defaults: readonly DetectorUse[], rules: readonly DetectionRule[], registry: DetectorRegistry) {
    if (rules.length > MAX_DETECTION_RULES) throw new Error(`at most ${MAX_DETECTION_RULES} rules, got ${rules.length}`);
    checkSet(defaults, 'detectors', registry);
    rules.forEach((rule, i) => checkSet(rule.detectors, `rules[${i}].detectors`, registry));
    this.patterns = rules.map((rule, i) => {
      try {
        return globToRegExp(rule.match);
      } catch (error) {
        throw new Error(`rules[${i}].match: ${(error as Error).message}`, { cause: error });
      }
    });
    this.sets = [defaults, ...rules.map((rule) => rule.detectors)];
  }

  /** Profile of a series by its canonical key. */
  profileOf(key: string): number {
    for (let i = 0; i < this.patterns.length; i++) if (this.patterns[i]!.test(key)) return i + 1;
    return 0;
  }

  /** Every detector id any profile uses, in first-seen order. */
  detectorIds(): string[] {
    return [...new Set(this.sets.flatMap((set) => set.map((use) => use.id)))];
  }
}

function checkSet(uses: readonly DetectorUse[], field: string, registry: DetectorRegistry): void {
  if (uses.length === 0) throw new Error(`${field} must list at least one detector`);
  const seen = new Set<string>();
  uses.forEach((use, i) => {
    // Anomalies are keyed by detector id, so one detector twice would overwrite its own results.
    if (seen.has(use.id)) throw new Error(`${field}[${i}]: detector ${JSON.stringify(use.id)} is listed twice`);
    seen.add(use.id);
    try {
      registry.resolve(use);
    } catch (error) {
      throw new Error(`${field}[${i}]: ${(error as Error).message}`, { cause: error });
    }
  });
}
