import type { Arg } from './expression.js';
import type { GraphiteInputError } from './input-error.js';
import type { Series } from './series.js';
import type { SeriesData } from './series-data.js';

/** Parameter types as graphite-web's /functions lists them (Grafana's function editor reads these names). */
export type ParamType =
  | 'aggFunc'
  | 'aggOrSeriesFunc'
  | 'any'
  | 'boolean'
  | 'date'
  | 'float'
  | 'integer'
  | 'interval'
  | 'intOrInterval'
  | 'intOrInf'
  | 'node'
  | 'nodeOrTag'
  | 'seriesList'
  | 'seriesLists'
  | 'string'
  | 'tag';

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly required?: boolean;
  readonly default?: number | string | boolean;
  /** Takes all remaining positional arguments. */
  readonly multiple?: boolean;
  /** The only values allowed. */
  readonly options?: readonly string[];
  /** Values Grafana offers first. */
  readonly suggestions?: readonly (string | number)[];
  /** Left unevaluated: the function evaluates the expression itself, over another time range. */
  readonly lazy?: boolean;
}

/** What evaluation runs against: the request's time range (Unix seconds) and where data comes from. */
export interface EvalContext {
  readonly fromSec: number;
  readonly untilSec: number;
  /** Default xFilesFactor (the render `xFilesFactor` parameter, 0 when absent). */
  readonly xFilesFactor: number;
  readonly data: SeriesData;
}

export type Scalar = number | string | boolean;

/** One call of a function with its arguments bound to its parameters and evaluated. */
export interface Call {
  readonly name: string;
  /** The call as written (seriesByTag names its series by it). */
  readonly raw: string;
  readonly ctx: EvalContext;
  has(param: string): boolean;
  /** Whether the argument given for a parameter is a series list (for parameters of type any). */
  isSeries(param: string): boolean;
  /** A seriesList parameter; [] when absent. */
  series(param: string): Series[];
  /** A `multiple` seriesList parameter: one list per argument. */
  seriesLists(param: string): Series[][];
  /** A scalar argument, or the parameter's default. */
  value(param: string): Scalar | undefined;
  number(param: string): number | undefined;
  string(param: string): string | undefined;
  boolean(param: string): boolean | undefined;
  /** A `multiple` scalar parameter (nodes, tag expressions). */
  scalars(param: string): Scalar[];
  /** Python's str() of a number argument as written (`5`, `2.5`, `2.0`), or of its default. */
  numberText(param: string): string;
  /** The expression given for a parameter, to evaluate again over another range (lazy parameters are only this). */
  expression(param: string): Arg;
  evaluate(arg: Arg, ctx: EvalContext): Promise<Series[]>;
  /** An input error naming the function and where it is called. */
  error(message: string): GraphiteInputError;
}

export interface GraphiteFunction {
  readonly name: string;
  /** graphite-web's group (Combine, Transform, Calculate, Filter Series, Sorting, Alias, Special). */
  readonly group: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Usable as a groupByNode callback (graphite-web's `aggregator = True`). */
  readonly aggregator?: boolean;
  apply(call: Call): Promise<Series[]> | Series[];
}
