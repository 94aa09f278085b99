import type { DetectorDefinition } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import type { LikelihoodModel } from './anomaly-likelihood.js';
import { ENSEMBLE_MEMBER_DETECTORS } from './ensemble-members.js';

export const ENSEMBLE_ID = 'ensemble';
const MAX_MEMBERS = 8;
const LIKELIHOOD_MODELS: readonly LikelihoodModel[] = ['block-maxima', 'gaussian'];

/** One member as configured: a detector id and its raw params. */
export interface EnsembleMemberUse {
  readonly id: string;
  readonly params?: unknown;
}

/**
 * The default members, chosen by evaluation on the NAB corpus with one parameter set for every file: a
 * robust local z-score, a long-memory level (the seasonal baseline with a single slot is an exponentially
 * weighted mean and deviation of all values), Holt-Winters, which finds the series' season itself, and
 * NAB's windowed Gaussian (the last 6,400 values, kept as per-step moments). `zHigh` is raised where that
 * keeps raw scores from saturating at 1, so the likelihoods can still rank how far out a value is. All
 * four are cheap per point and together hold about 11 KB a series.
 */
export const DEFAULT_ENSEMBLE_MEMBERS: readonly EnsembleMemberUse[] = [
  { id: 'mad-zscore', params: { zHigh: 35 } },
  { id: 'seasonal-baseline', params: { slots: 1, periodMs: 60_000, alpha: 0.002 } },
  { id: 'holt-winters', params: { zHigh: 15 } },
  { id: 'windowed-gaussian' },
];

const SPECS = {
  averagingPoints: { type: 'integer', min: 1, max: 1000, default: 10 },
  blockPoints: { type: 'integer', min: 1, max: 100_000, default: 100 },
  historyBlocks: { type: 'integer', min: 1, max: 1000, default: 32 },
  learningShare: { type: 'number', min: 0, max: 1, default: 0.5 },
  minLocation: { type: 'number', min: 0, max: 1, default: 0.01 },
  minScale: { type: 'number', min: 1e-6, max: 1, default: 0.01 },
  alarmSurprise: { type: 'number', min: 0.1, max: 100, default: 1.5 },
  restShare: { type: 'number', min: 0, max: 10, default: 0.2 },
  rangeTolerance: { type: 'number', min: 0, max: 100, default: 0.05 },
  defaultWarmupPoints: { type: 'integer', min: 0, default: 600 },
} as const satisfies NumberParamSpecs<string>;

type NumberField = keyof typeof SPECS;

/** A member with validated params (plain data, like every detector's params). */
export interface EnsembleMember {
  readonly id: string;
  readonly params: unknown;
}

/** The definition of a member detector by id; throws naming the valid ids. */
export function memberDefinition(id: unknown, at: string): DetectorDefinition {
  const definition = ENSEMBLE_MEMBER_DETECTORS.find((d) => d.id === id);
  if (definition === undefined) {
    throw paramsError(ENSEMBLE_ID, `${at}.id must be one of ${ENSEMBLE_MEMBER_DETECTORS.map((d) => d.id).join(', ')}, got ${describe(id)}`);
  }
  return definition;
}

export interface EnsembleParams {
  readonly members: readonly EnsembleMember[];
  /** Member raw scores in the short-term average each member's likelihood judges. */
  readonly averagingPoints: number;
  /** Averages per block of a likelihood's long-term history (its re-estimation period). */
  readonly blockPoints: number;
  /** Blocks in a likelihood's long-term history. */
  readonly historyBlocks: number;
  /** Share of the warm-up whose raw scores never enter the likelihoods' history (members still settling). */
  readonly learningShare: number;
  /** How each member's likelihood judges its recent average against its history. */
  readonly likelihoodModel: LikelihoodModel;
  /** Floor of the location a likelihood fits to a member's history (see `AnomalyLikelihoodOptions`). */
  readonly minLocation: number;
  /** Floor of the scale it fits. */
  readonly minScale: number;
  /** Surprise (-log10 tail probability) that makes an alarm and scores 0.99. */
  readonly alarmSurprise: number;
  /** After an alarm, points scored 0 as a share of the warm-up: one event, one alarm. */
  readonly restShare: number;
  /**
   * A value beyond the range of all values seen by this share of the range is an alarm (twice as far, twice
   * the alarm surprise); 0 turns the check off.
   */
  readonly rangeTolerance: number;
  /** Warm-up assumed when the caller gives none. */
  readonly defaultWarmupPoints: number;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

function parseMember(raw: unknown, index: number): EnsembleMember {
  const at = `members[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw paramsError(ENSEMBLE_ID, `${at} must be an object {id, params}, got ${describe(raw)}`);
  const { id, params, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw paramsError(ENSEMBLE_ID, `${at}: unknown field ${JSON.stringify(unknown[0])}; valid fields: id, params`);
  const definition = memberDefinition(id, at);
  try {
    return { id: definition.id, params: definition.parseParams(params) };
  } catch (error) {
    throw paramsError(ENSEMBLE_ID, `${at}.params: ${(error as Error).message}`);
  }
}

function parseMembers(raw: unknown): EnsembleMember[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_MEMBERS) {
    throw paramsError(ENSEMBLE_ID, `members must be an array of 1 to ${MAX_MEMBERS} {id, params} objects, got ${describe(raw)}${Array.isArray(raw) ? ` of ${raw.length}` : ''}`);
  }
  return raw.map(parseMember);
}

function parseModel(raw: unknown): LikelihoodModel {
  const model = LIKELIHOOD_MODELS.find((m) => m === raw);
  if (model === undefined) throw paramsError(ENSEMBLE_ID, `likelihoodModel must be one of ${LIKELIHOOD_MODELS.join(', ')}, got ${describe(raw)}`);
  return model;
}

/** Validates the ensemble's params, members included; every error names the field. */
export function parseEnsembleParams(raw: unknown): EnsembleParams {
  const input: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw paramsError(ENSEMBLE_ID, `params must be an object, got ${describe(raw)}`);
    Object.assign(input, raw);
  }
  const { members, likelihoodModel, ...numbers } = input;
  for (const name of Object.keys(numbers)) {
    if (!(name in SPECS)) throw paramsError(ENSEMBLE_ID, `unknown field ${JSON.stringify(name)}; valid fields: members, likelihoodModel, ${Object.keys(SPECS).join(', ')}`);
  }
  const parsed: Record<NumberField, number> = parseNumberParams(ENSEMBLE_ID, numbers, SPECS);
  return { members: parseMembers(members ?? DEFAULT_ENSEMBLE_MEMBERS), likelihoodModel: parseModel(likelihoodModel ?? LIKELIHOOD_MODELS[0]), ...parsed };
}
