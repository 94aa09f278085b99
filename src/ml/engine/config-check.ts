import { MODEL_KINDS } from './model.js';
import type { FeatureNormalization, ModelConfig, ModelKind } from './model.js';

/** The fields each kind's config has, besides `kind`; anything else is a typo worth reporting. */
const FIELDS: Readonly<Record<ModelKind, readonly string[]>> = {
  'lstm-forecaster': ['window', 'horizon', 'features', 'units', 'layers', 'quantiles', 'normalization', 'seed'],
  'lstm-autoencoder': ['window', 'features', 'units', 'normalization', 'seed'],
  deeplog: ['window', 'vocabularySize', 'units', 'layers', 'seed'],
  'dense-autoencoder': ['features', 'hidden', 'normalization', 'seed'],
};

/** Sizes above this are mistakes (or would exhaust memory), not models. */
const MAX_SIZE = 1 << 20;

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return JSON.stringify(value) ?? String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects the first problem; each check returns the checked value so the caller builds a typed copy. */
class Checker {
  problem: string | undefined;

  fail(message: string): void {
    this.problem ??= message;
  }

  size(record: Record<string, unknown>, field: string): number {
    return this.sizeValue(record[field], field);
  }

  sizeValue(value: unknown, name: string): number {
    if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) this.fail(`${name} must be an integer >= 1, got ${show(value)}`);
    else if (value > MAX_SIZE) this.fail(`${name} must be at most ${MAX_SIZE}, got ${value}`);
    return value as number;
  }

  seed(record: Record<string, unknown>): number {
    const value = record.seed;
    if (!(typeof value === 'number' && Number.isSafeInteger(value))) this.fail(`seed must be an integer, got ${show(value)}`);
    return value as number;
  }

  array(record: Record<string, unknown>, field: string): readonly unknown[] {
    const value = record[field];
    if (!Array.isArray(value) || value.length === 0) {
      this.fail(`${field} must be a non-empty array, got ${show(value)}`);
      return [];
    }
    return value as readonly unknown[];
  }

  quantiles(record: Record<string, unknown>): number[] {
    const values = this.array(record, 'quantiles');
    values.forEach((q, i) => {
      if (!(typeof q === 'number' && q > 0 && q < 1)) this.fail(`quantiles[${i}] must be a number in (0, 1), got ${show(q)}`);
      else if (i > 0 && !(q > (values[i - 1] as number))) this.fail(`quantiles must be strictly ascending, got ${show(values)}`);
    });
    return [...values] as number[];
  }

  hidden(record: Record<string, unknown>): number[] {
    return this.array(record, 'hidden').map((width, i) => this.sizeValue(width, `hidden[${i}]`));
  }

  normalization(record: Record<string, unknown>, features: number): FeatureNormalization {
    const value = record.normalization;
    if (!isRecord(value)) {
      this.fail(`normalization must be an object { center, scale }, got ${show(value)}`);
      return { center: [], scale: [] };
    }
    const column = (field: 'center' | 'scale'): number[] => {
      const values = value[field];
      if (!Array.isArray(values) || values.length !== features) {
        this.fail(`normalization.${field} must hold one number per feature (${features}), got ${show(values)}`);
        return [];
      }
      values.forEach((v: unknown, i) => {
        const ok = typeof v === 'number' && Number.isFinite(v) && (field === 'center' || v > 0);
        if (!ok) this.fail(`normalization.${field}[${i}] must be a finite number${field === 'scale' ? ' > 0' : ''}, got ${show(v)}`);
      });
      return values as number[];
    };
    return { center: [...column('center')], scale: [...column('scale')] };
  }

  fields(record: Record<string, unknown>, kind: ModelKind): void {
    for (const field of Object.keys(record)) {
      if (field !== 'kind' && !FIELDS[kind].includes(field)) this.fail(`unknown field ${field} (a ${kind} config has ${FIELDS[kind].join(', ')})`);
    }
  }
}

/** A frozen copy of the config, or the first problem with it (naming the field and the value). */
export function parseModelConfig(value: unknown): { readonly config: ModelConfig } | { readonly problem: string } {
  if (!isRecord(value)) return { problem: `the config must be an object, got ${show(value)}` };
  const kind = value.kind;
  if (!(MODEL_KINDS as readonly unknown[]).includes(kind)) return { problem: `kind must be one of ${MODEL_KINDS.join(', ')}, got ${show(kind)}` };
  const check = new Checker();
  check.fields(value, kind as ModelKind);
  let config: ModelConfig;
  switch (kind as ModelKind) {
    case 'lstm-forecaster': {
      const window = check.size(value, 'window');
      const horizon = check.size(value, 'horizon');
      const features = check.size(value, 'features');
      const units = check.size(value, 'units');
      const layers = check.size(value, 'layers');
      const quantiles = check.quantiles(value);
      config = { kind: 'lstm-forecaster', window, horizon, features, units, layers, quantiles, normalization: check.normalization(value, features), seed: check.seed(value) };
      break;
    }
    case 'lstm-autoencoder': {
      const window = check.size(value, 'window');
      const features = check.size(value, 'features');
      const units = check.size(value, 'units');
      config = { kind: 'lstm-autoencoder', window, features, units, normalization: check.normalization(value, features), seed: check.seed(value) };
      break;
    }
    case 'deeplog':
      config = { kind: 'deeplog', window: check.size(value, 'window'), vocabularySize: check.size(value, 'vocabularySize'), units: check.size(value, 'units'), layers: check.size(value, 'layers'), seed: check.seed(value) };
      break;
    case 'dense-autoencoder': {
      const features = check.size(value, 'features');
      const hidden = check.hidden(value);
      config = { kind: 'dense-autoencoder', features, hidden, normalization: check.normalization(value, features), seed: check.seed(value) };
      break;
    }
  }
  if (check.problem !== undefined) return { problem: check.problem };
  return { config: deepFreeze(config) };
}

/** Validates a config for creating a model; throws `cannot create model <kind>: <field> must be ..., got <value>`. */
export function checkModelConfig(value: unknown): ModelConfig {
  const parsed = parseModelConfig(value);
  if ('config' in parsed) return parsed.config;
  const kind = isRecord(value) && typeof value.kind === 'string' ? ` ${value.kind}` : '';
  throw new Error(`cannot create model${kind}: ${parsed.problem}`);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
