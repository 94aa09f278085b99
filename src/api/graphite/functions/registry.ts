import { AGG_FUNC_NAMES } from '../agg-funcs.js';
import type { FunctionLookup } from '../evaluator.js';
import type { GraphiteFunction, ParamSpec } from '../function-types.js';
import { alias, aliasByNode, aliasByTags, aliasSub } from './alias.js';
import { movingAverage } from './calculate.js';
import { aggregate, asPercent, averageSeries, avg, group, groupByNode, maxSeries, minSeries, sum, sumSeries } from './combine.js';
import { highestAverage, highestMax, sortByMaxima } from './filter.js';
import { constantLine, seriesByTag } from './special.js';
import { consolidateBy, derivative, keepLastValue, nonNegativeDerivative, offset, perSecond, scale, summarize, timeShift, transformNull } from './transform.js';
import { anomalies, anomalyScore, expectedBand } from './vigil.js';

/** Every function a target may call: graphite-web's (same names, parameters and results) and Vigil's. */
export const GRAPHITE_FUNCTIONS: readonly GraphiteFunction[] = [
  aggregate,
  asPercent,
  averageSeries,
  avg,
  group,
  groupByNode,
  maxSeries,
  minSeries,
  sum,
  sumSeries,
  consolidateBy,
  derivative,
  keepLastValue,
  nonNegativeDerivative,
  offset,
  perSecond,
  scale,
  summarize,
  timeShift,
  transformNull,
  movingAverage,
  highestAverage,
  highestMax,
  sortByMaxima,
  alias,
  aliasByNode,
  aliasByTags,
  aliasSub,
  constantLine,
  seriesByTag,
  anomalies,
  anomalyScore,
  expectedBand,
];

/** Functions by name; names are unique. */
export class FunctionRegistry implements FunctionLookup {
  private readonly byName = new Map<string, GraphiteFunction>();

  constructor(functions: readonly GraphiteFunction[] = GRAPHITE_FUNCTIONS) {
    for (const fn of functions) {
      if (this.byName.has(fn.name)) throw new Error(`cannot register graphite function ${fn.name}: the name is taken`);
      this.byName.set(fn.name, fn);
    }
  }

  get(name: string): GraphiteFunction | undefined {
    return this.byName.get(name);
  }

  all(): GraphiteFunction[] {
    return [...this.byName.values()];
  }

  aggregatorNames(): string[] {
    return this.all()
      .filter((fn) => fn.aggregator === true)
      .map((fn) => fn.name);
  }
}

/** One parameter as graphite-web's /functions lists it. */
export interface ParamInfo {
  readonly name: string;
  readonly type: string;
  readonly required?: true;
  readonly default?: number | string | boolean;
  readonly multiple?: true;
  readonly options?: readonly string[];
  readonly suggestions?: readonly (string | number)[];
}

/** One function as graphite-web's /functions lists it (Grafana builds its function editor from this). */
export interface FunctionInfo {
  readonly name: string;
  readonly function: string;
  readonly description: string;
  readonly module: string;
  readonly group: string;
  readonly params: readonly ParamInfo[];
}

const VIGIL_GROUP = 'Vigil';

function pyRepr(value: number | string | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value}'`;
  return value === Infinity ? 'inf' : String(value);
}

/** graphite-web's `name(args)` signature line: `movingAverage(seriesList, windowSize, xFilesFactor=None)`. */
function signature(fn: GraphiteFunction): string {
  const parts = fn.params.map((p) => {
    if (p.multiple) return `*${p.name}`;
    if (p.required) return p.name;
    return `${p.name}=${p.default === undefined ? 'None' : pyRepr(p.default)}`;
  });
  return `${fn.name}(${parts.join(', ')})`;
}

function paramOptions(spec: ParamSpec, registry: FunctionRegistry): string[] | undefined {
  let options: string[] | undefined;
  if (spec.type === 'aggFunc') options = [...AGG_FUNC_NAMES];
  else if (spec.type === 'aggOrSeriesFunc') options = [...AGG_FUNC_NAMES, ...registry.aggregatorNames()];
  if (spec.options !== undefined) options = [...(options ?? []), ...spec.options];
  return options === undefined ? undefined : [...new Set(options)].sort();
}

export function functionInfo(fn: GraphiteFunction, registry: FunctionRegistry): FunctionInfo {
  return {
    name: fn.name,
    function: signature(fn),
    description: fn.description,
    module: fn.group === VIGIL_GROUP ? 'vigil.api.graphite' : 'graphite.render.functions',
    group: fn.group,
    params: fn.params.map((p) => {
      const options = paramOptions(p, registry);
      return {
        name: p.name,
        type: p.type,
        ...(p.required ? { required: true as const } : {}),
        ...(p.default === undefined ? {} : { default: p.default }),
        ...(p.multiple ? { multiple: true as const } : {}),
        ...(options === undefined ? {} : { options }),
        ...(p.suggestions === undefined ? {} : { suggestions: p.suggestions }),
      };
    }),
  };
}
