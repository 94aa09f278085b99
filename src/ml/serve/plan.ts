import type { ServingShape } from './served-version.js';

/** One registered version's artifact as serving loads it. */
export interface ServedArtifact {
  readonly version: number;
  /** Directory holding model.json and its weights. */
  readonly artifactDir: string;
  /** The training data's column names in feature order, when the registry recorded them (multi-series models need them). */
  readonly columns?: readonly string[];
}

/** How the staging version runs beside production: scored on every series without alerting, or alerting on a share of them. */
export interface CandidatePlan {
  readonly artifact: ServedArtifact;
  readonly mode: 'shadow' | 'canary';
  /** Canary: the share of series (0 < share < 1) the candidate scores instead of production; shadow: 1. */
  readonly share: number;
}

/** A model the detection configuration serves, and how: to series on their own, to groups of series, or both. */
export interface ServedModel {
  readonly name: string;
  readonly shapes: readonly ServingShape[];
}

/** What the detection partitions serve for one model name. */
export interface ModelPlan {
  readonly name: string;
  /** How the detection rules serve it (series on their own, groups of series); absent: series on their own. */
  readonly shapes?: readonly ServingShape[];
  /** The `production` alias; null while unset (its series are not scored). */
  readonly production: ServedArtifact | null;
  /** The `staging` version while it is rolled out and differs from production. */
  readonly candidate: CandidatePlan | null;
}

/** The partition extension's configuration: plain data, sent to every detection worker. */
export interface ServingPlan {
  readonly models: readonly ModelPlan[];
}

/** Whether two plans serve the same versions the same way (a poll that finds no change sends nothing). */
export function samePlan(a: ServingPlan, b: ServingPlan): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One line per model for the log: "checkout-latency: production v3, staging v4 in shadow". */
export function describePlan(plan: ServingPlan): string {
  return plan.models
    .map((m) => {
      const production = m.production === null ? 'no production version' : `production v${m.production.version}`;
      const candidate = m.candidate === null ? '' : `, staging v${m.candidate.artifact.version} ${m.candidate.mode === 'shadow' ? 'in shadow' : `as canary on ${formatShare(m.candidate.share)} of series`}`;
      return `${m.name}: ${production}${candidate}`;
    })
    .join('; ');
}

/** 0.1 → "10%", 0.005 → "0.5%". */
export function formatShare(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}
