import { paramsError } from '../../detect/index.js';
import { isModelName } from '../registry/index.js';
import type { GroupRule } from './group-rule.js';

export const MODEL_DETECTOR_ID = 'model';
/** The detector id of anomalies a shadow version finds: stored for comparison, never alerted. */
export const SHADOW_DETECTOR_ID = 'model-shadow';

/** How a multi-series model's series come together: the rule, the row step, and optionally the feature names. */
export interface GroupServing {
  readonly rule: GroupRule;
  /** Width of a row: a group's points whose timestamps fall in one step form one row (their mean per series). */
  readonly stepMs: number;
  /** Feature names in the model's order, overriding the training columns the registry recorded. */
  readonly features: readonly string[] | null;
}

export interface ModelDetectorParams {
  /** The registered model whose `production` alias (and rolled-out `staging`) scores the series. */
  readonly model: string;
  /** z (from the model's interval, or the residual's scale) where the score starts rising above 0. */
  readonly zLow: number;
  /** z where the score reaches 0.999. */
  readonly zHigh: number;
  /** Span, in points, of the running residual scale an autoencoder's z is measured in. */
  readonly residualPoints: number;
  /** Set for a multi-series model (groupByTags or groupByNodes given); null serves each series on its own. */
  readonly group: GroupServing | null;
}

const DEFAULTS = { zLow: 3, zHigh: 6, residualPoints: 256 } as const;
const FIELDS = ['model', 'zLow', 'zHigh', 'residualPoints', 'groupByTags', 'groupByNodes', 'stepMs', 'features'];

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    throw paramsError(MODEL_DETECTOR_ID, `${field} must be a non-empty array of non-empty strings, got ${JSON.stringify(value)}`);
  }
  if (new Set(value).size !== value.length) throw paramsError(MODEL_DETECTOR_ID, `${field} must not name an item twice, got ${JSON.stringify(value)}`);
  return value as string[];
}

function parseGroup(input: Record<string, unknown>): GroupServing | null {
  const { groupByTags: tags, groupByNodes: nodes, stepMs, features } = input;
  if (tags === undefined && nodes === undefined) {
    for (const field of ['stepMs', 'features'] as const) {
      if (input[field] !== undefined) throw paramsError(MODEL_DETECTOR_ID, `${field} applies only to a multi-series model: set groupByTags or groupByNodes too`);
    }
    return null;
  }
  if (tags !== undefined && nodes !== undefined) throw paramsError(MODEL_DETECTOR_ID, 'set groupByTags or groupByNodes, not both');
  let rule: GroupRule;
  if (tags !== undefined) rule = { tags: stringList(tags, 'groupByTags') };
  else {
    if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every((n) => Number.isInteger(n) && (n as number) >= 0) || new Set(nodes).size !== nodes.length) {
      throw paramsError(MODEL_DETECTOR_ID, `groupByNodes must be a non-empty array of distinct node indices (integers >= 0, 0 = the first node of the name), got ${JSON.stringify(nodes)}`);
    }
    rule = { nodes: nodes as number[] };
  }
  if (typeof stepMs !== 'number' || !Number.isInteger(stepMs) || stepMs < 1) {
    throw paramsError(MODEL_DETECTOR_ID, `stepMs must be an integer >= 1 (the interval the group's series report at; their points within one step form one row), got ${JSON.stringify(stepMs)}`);
  }
  return { rule, stepMs, features: features === undefined ? null : stringList(features, 'features') };
}

export function parseModelParams(raw: unknown): ModelDetectorParams {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw paramsError(MODEL_DETECTOR_ID, 'params must be an object naming the model, e.g. { model: "checkout-latency" }');
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!FIELDS.includes(key)) throw paramsError(MODEL_DETECTOR_ID, `unknown field ${JSON.stringify(key)}; valid fields: ${FIELDS.join(', ')}`);
  const model = input.model;
  if (typeof model !== 'string' || !isModelName(model)) throw paramsError(MODEL_DETECTOR_ID, `model must name a registered model (a-z, 0-9, ".", "_", "-"), got ${JSON.stringify(model)}`);
  const number = (field: 'zLow' | 'zHigh' | 'residualPoints', min: number, integer: boolean): number => {
    const value = input[field] ?? DEFAULTS[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) throw paramsError(MODEL_DETECTOR_ID, `${field} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(value)}`);
    return value;
  };
  const params = { model, zLow: number('zLow', 0, false), zHigh: number('zHigh', 0, false), residualPoints: number('residualPoints', 2, true), group: parseGroup(input) };
  if (params.zHigh <= params.zLow) throw paramsError(MODEL_DETECTOR_ID, `zHigh must be > zLow (${params.zLow}), got ${params.zHigh}`);
  return params;
}
