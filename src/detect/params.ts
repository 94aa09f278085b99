/** How one numeric detector parameter is validated, and its default. */
export interface NumberParamSpec {
  readonly type: 'integer' | 'number';
  /** Inclusive lower bound. */
  readonly min: number;
  /** Inclusive upper bound; unbounded when absent. */
  readonly max?: number;
  readonly default: number;
}

export type NumberParamSpecs<K extends string> = { readonly [P in K]: NumberParamSpec };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : String(value);
}

function requirement(spec: NumberParamSpec): string {
  const kind = spec.type === 'integer' ? 'an integer' : 'a number';
  if (spec.max === undefined) return `${kind} >= ${spec.min}`;
  return `${kind} in [${spec.min}, ${spec.max}]`;
}

/** Error for a detector's parameters, in the project's `cannot <verb> <object>: <cause>` form. */
export function paramsError(detectorId: string, cause: string): Error {
  return new Error(`cannot parse params of detector ${detectorId}: ${cause}`);
}

/**
 * Validates a detector's numeric parameters by hand so each error names the field, the rule and the
 * value given. `undefined` and `null` mean "all defaults"; unknown fields are errors (a misspelt field
 * must not silently fall back to its default).
 */
export function parseNumberParams<K extends string>(detectorId: string, raw: unknown, specs: NumberParamSpecs<K>): Record<K, number> {
  const fields = Object.keys(specs) as K[];
  const input: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw paramsError(detectorId, `params must be an object, got ${describe(raw)}`);
    Object.assign(input, raw);
  }
  for (const name of Object.keys(input)) {
    if (!(fields as string[]).includes(name)) {
      throw paramsError(detectorId, `unknown field ${JSON.stringify(name)}; valid fields: ${fields.join(', ')}`);
    }
  }
  const out = {} as Record<K, number>;
  for (const name of fields) {
    const spec = specs[name];
    const value = input[name];
    if (value === undefined) {
      out[name] = spec.default;
      continue;
    }
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (spec.type === 'number' || Number.isInteger(value)) &&
      value >= spec.min &&
      (spec.max === undefined || value <= spec.max);
    if (!ok) throw paramsError(detectorId, `${name} must be ${requirement(spec)}, got ${describe(value)}`);
    out[name] = value as number;
  }
  return out;
}
