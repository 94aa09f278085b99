import { AGG_FUNC_NAMES } from './agg-funcs.js';
import { parseTimeOffsetSec } from './attime.js';
import { parseTarget, type Arg, type CallExpr, type Literal } from './expression.js';
import type { Call, EvalContext, GraphiteFunction, ParamSpec, Scalar } from './function-types.js';
import { GraphiteInputError } from './input-error.js';
import { pyNumber } from './py-format.js';
import type { Series } from './series.js';

/** The functions a target may call, by name. */
export interface FunctionLookup {
  get(name: string): GraphiteFunction | undefined;
  /** Names of functions usable as groupByNode callbacks. */
  aggregatorNames(): readonly string[];
}

type Bound = { readonly kind: 'series'; readonly series: Series[] } | { readonly kind: 'scalar'; readonly value: Scalar; readonly literal?: Literal };

/** Evaluates parsed targets against a context, as graphite-web's evaluator does. */
export class Evaluator {
  constructor(private readonly functions: FunctionLookup) {}

  /** Parses and evaluates one target (a TargetSyntaxError when it does not parse). */
  evaluateTarget(target: string, ctx: EvalContext): Promise<Series[]> {
    return this.evaluateSeries(parseTarget(target), ctx);
  }

  /** Evaluates an argument that must give series (a path or a call). */
  async evaluateSeries(arg: Arg, ctx: EvalContext): Promise<Series[]> {
    if (arg.kind === 'path') return ctx.data.fetchPath(arg.pattern, ctx.fromSec, ctx.untilSec);
    if (arg.kind === 'call') return this.call(arg, ctx);
    throw new GraphiteInputError(`cannot evaluate target: expected a series list at position ${arg.position}, got a ${arg.kind}`);
  }

  private async call(expr: CallExpr, ctx: EvalContext): Promise<Series[]> {
    const fn = this.functions.get(expr.name);
    if (fn === undefined) throw new GraphiteInputError(`cannot evaluate target: unknown function ${expr.name} at position ${expr.position} (GET /functions lists them)`);
    const args = bindArgs(fn, expr);
    const values = new Map<string, Bound | Bound[]>();
    const lazy = new Map<string, Arg>();
    for (const spec of fn.params) {
      const arg = args.get(spec.name);
      if (arg === undefined) continue;
      if (spec.lazy && !Array.isArray(arg)) {
        lazy.set(spec.name, arg);
        continue;
      }
      if (Array.isArray(arg)) {
        const list: Bound[] = [];
        for (const a of arg) list.push(await this.bindValue(fn, expr, spec, a, ctx));
        values.set(spec.name, list);
      } else {
        const value = await this.bindValue(fn, expr, spec, arg, ctx);
        if (!(value.kind === 'scalar' && value.literal?.kind === 'none')) values.set(spec.name, value);
      }
    }
    for (const spec of fn.params) {
      if (spec.required && !values.has(spec.name) && !lazy.has(spec.name) && !spec.multiple) {
        throw inputError(fn, expr, `missing required parameter "${spec.name}"`);
      }
    }
    return fn.apply(new BoundCall(this, fn, expr, ctx, values, args));
  }

  private async bindValue(fn: GraphiteFunction, expr: CallExpr, spec: ParamSpec, arg: Arg, ctx: EvalContext): Promise<Bound> {
    if (arg.kind === 'path' || arg.kind === 'call') {
      if (!acceptsSeries(spec)) throw inputError(fn, expr, `parameter "${spec.name}" takes a ${spec.type}, got a series list at position ${arg.position}`);
      return { kind: 'series', series: await this.evaluateSeries(arg, ctx) };
    }
    if (arg.kind === 'none') return { kind: 'scalar', value: '', literal: arg };
    const value: Scalar = arg.kind === 'inf' ? Infinity : arg.value;
    const problem = checkScalar(spec, value, arg, this.functions);
    if (problem !== null) throw inputError(fn, expr, `invalid ${spec.type} value for parameter "${spec.name}" at position ${arg.position}: ${problem}`);
    return { kind: 'scalar', value, literal: arg };
  }
}

function inputError(fn: GraphiteFunction, expr: CallExpr, message: string): GraphiteInputError {
  return new GraphiteInputError(`cannot evaluate ${fn.name}() at position ${expr.position}: ${message}`);
}

/** Positional arguments fill parameters in order (a `multiple` one takes the rest); keywords by name. */
function bindArgs(fn: GraphiteFunction, expr: CallExpr): Map<string, Arg | Arg[]> {
  const bound = new Map<string, Arg | Arg[]>();
  const params = fn.params;
  const variadic = params.length > 0 && params[params.length - 1]!.multiple === true;
  if (!variadic && expr.args.length > params.length) {
    throw inputError(fn, expr, `too many arguments: takes at most ${params.length} (${params.map((p) => p.name).join(', ')}), got ${expr.args.length}`);
  }
  params.forEach((spec, i) => {
    if (spec.multiple) {
      if (expr.args.length > i) bound.set(spec.name, expr.args.slice(i));
    } else if (i < expr.args.length) bound.set(spec.name, expr.args[i]!);
  });
  for (const kw of expr.kwargs) {
    const spec = params.find((p) => p.name === kw.name);
    if (spec === undefined) throw inputError(fn, expr, `unknown keyword argument "${kw.name}" (parameters: ${params.map((p) => p.name).join(', ')})`);
    if (bound.has(kw.name)) throw inputError(fn, expr, `parameter "${kw.name}" given twice`);
    bound.set(kw.name, spec.multiple ? [kw.value] : kw.value);
  }
  return bound;
}

function acceptsSeries(spec: ParamSpec): boolean {
  return spec.type === 'seriesList' || spec.type === 'seriesLists' || spec.type === 'any';
}

function isInteger(value: Scalar, literal: Literal): boolean {
  return typeof value === 'number' && literal.kind === 'number' && literal.isInteger;
}

function isInterval(value: Scalar): boolean {
  if (typeof value !== 'string') return false;
  try {
    parseTimeOffsetSec(value);
    return true;
  } catch {
    return false;
  }
}

/** Why a scalar does not fit a parameter, or null when it does (graphite-web's validateParams). */
function checkScalar(spec: ParamSpec, value: Scalar, literal: Literal, functions: FunctionLookup): string | null {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  let ok: boolean;
  switch (spec.type) {
    case 'boolean':
      ok = typeof value === 'boolean';
      break;
    case 'float':
      ok = typeof value === 'number';
      break;
    case 'integer':
    case 'node':
      ok = isInteger(value, literal);
      break;
    case 'intOrInf':
      ok = isInteger(value, literal) || value === Infinity;
      break;
    case 'interval':
      ok = isInterval(value);
      break;
    case 'intOrInterval':
      ok = isInteger(value, literal) || isInterval(value);
      break;
    case 'nodeOrTag':
      ok = isInteger(value, literal) || typeof value === 'string';
      break;
    case 'aggFunc':
      ok = typeof value === 'string' && (AGG_FUNC_NAMES.includes(value) || AGG_FUNC_NAMES.includes(value.replace(/Series$/, '')));
      break;
    case 'aggOrSeriesFunc':
      ok = typeof value === 'string' && (AGG_FUNC_NAMES.includes(value) || AGG_FUNC_NAMES.includes(value.replace(/Series$/, '')) || functions.aggregatorNames().includes(value));
      break;
    case 'string':
    case 'tag':
    case 'date':
      ok = typeof value === 'string';
      break;
    case 'any':
      ok = true;
      break;
    case 'seriesList':
    case 'seriesLists':
      return `expected a series list, got ${shown}`;
  }
  if (!ok) return `got ${shown}`;
  if (spec.options !== undefined && !spec.options.includes(String(value))) return `${shown} is not one of ${spec.options.join(', ')}`;
  return null;
}

class BoundCall implements Call {
  readonly name: string;
  readonly raw: string;

  constructor(
    private readonly evaluator: Evaluator,
    private readonly fn: GraphiteFunction,
    private readonly expr: CallExpr,
    readonly ctx: EvalContext,
    private readonly values: Map<string, Bound | Bound[]>,
    private readonly args: Map<string, Arg | Arg[]>,
  ) {
    this.name = fn.name;
    this.raw = expr.raw;
  }

  has(param: string): boolean {
    return this.values.has(param) || (this.fn.params.some((p) => p.name === param && p.lazy) && this.args.has(param));
  }

  isSeries(param: string): boolean {
    const bound = this.values.get(param);
    return bound !== undefined && !Array.isArray(bound) && bound.kind === 'series';
  }

  series(param: string): Series[] {
    const bound = this.values.get(param);
    if (bound === undefined) return [];
    if (Array.isArray(bound)) return bound.flatMap((b) => this.seriesOf(param, b));
    return this.seriesOf(param, bound);
  }

  seriesLists(param: string): Series[][] {
    const bound = this.values.get(param);
    if (bound === undefined) return [];
    return (Array.isArray(bound) ? bound : [bound]).map((b) => this.seriesOf(param, b));
  }

  value(param: string): Scalar | undefined {
    return this.scalar(param);
  }

  number(param: string): number | undefined {
    const value = this.scalar(param);
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw this.error(`parameter "${param}" must be a number, got ${JSON.stringify(value)}`);
    return value;
  }

  string(param: string): string | undefined {
    const value = this.scalar(param);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.error(`parameter "${param}" must be a string, got ${String(value)}`);
    return value;
  }

  boolean(param: string): boolean | undefined {
    const value = this.scalar(param);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw this.error(`parameter "${param}" must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  scalars(param: string): Scalar[] {
    const bound = this.values.get(param);
    if (bound === undefined) return [];
    return (Array.isArray(bound) ? bound : [bound]).map((b) => {
      if (b.kind !== 'scalar') throw this.error(`parameter "${param}" takes values, got a series list`);
      return b.value;
    });
  }

  numberText(param: string): string {
    const bound = this.values.get(param);
    if (bound !== undefined && !Array.isArray(bound) && bound.kind === 'scalar' && bound.literal !== undefined) {
      const literal = bound.literal;
      if (literal.kind === 'number') return pyNumber(literal.value, literal.isInteger);
      if (literal.kind === 'inf') return 'inf';
    }
    const value = this.scalar(param);
    return typeof value === 'number' ? pyNumber(value, Number.isInteger(value)) : String(value);
  }

  expression(param: string): Arg {
    const arg = this.args.get(param);
    if (arg === undefined || Array.isArray(arg)) throw this.error(`parameter "${param}" needs one argument`);
    return arg;
  }

  evaluate(arg: Arg, ctx: EvalContext): Promise<Series[]> {
    return this.evaluator.evaluateSeries(arg, ctx);
  }

  error(message: string): GraphiteInputError {
    return inputError(this.fn, this.expr, message);
  }

  /** A scalar argument, or the parameter's default. */
  private scalar(param: string): Scalar | undefined {
    const bound = this.values.get(param);
    if (bound === undefined) return this.fn.params.find((p) => p.name === param)?.default;
    if (Array.isArray(bound) || bound.kind !== 'scalar') throw this.error(`parameter "${param}" takes a value, got a series list`);
    return bound.value;
  }

  private seriesOf(param: string, bound: Bound): Series[] {
    if (bound.kind !== 'series') throw this.error(`parameter "${param}" takes a series list, got ${JSON.stringify(bound.value)}`);
    return bound.series;
  }
}
