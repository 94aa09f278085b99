import { medianOf } from '../../util/index.js';

/**
 * graphite-web's aggregation functions (`getAggFunc`), over `values[from, to)` with NaN as null.
 * Like Graphite's `safe*` helpers they skip nulls and give null when nothing is left; `count` and
 * `avg_zero` give numbers, and `multiply` is null as soon as one factor is.
 */
export type AggFunc = (values: Float64Array, from: number, to: number, scratch?: Float64Array) => number;

export type AggFuncName = 'average' | 'avg_zero' | 'median' | 'sum' | 'min' | 'max' | 'diff' | 'stddev' | 'count' | 'range' | 'multiply' | 'last';

function sum(values: Float64Array, from: number, to: number): number {
  let total = 0;
  let seen = false;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v === v) {
      total += v;
      seen = true;
    }
  }
  return seen ? total : NaN;
}

function count(values: Float64Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (values[i] === values[i]) n++;
  return n;
}

function average(values: Float64Array, from: number, to: number): number {
  const n = count(values, from, to);
  return n === 0 ? NaN : sum(values, from, to) / n;
}

function avgZero(values: Float64Array, from: number, to: number): number {
  if (to <= from) return NaN;
  let total = 0;
  for (let i = from; i < to; i++) if (values[i] === values[i]) total += values[i]!;
  return total / (to - from);
}

function min(values: Float64Array, from: number, to: number): number {
  let m = NaN;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v === v && !(v >= m)) m = v;
  }
  return m;
}

function max(values: Float64Array, from: number, to: number): number {
  let m = NaN;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v === v && !(v <= m)) m = v;
  }
  return m;
}

/** `values` stay as they are: the present values are copied to `scratch` (at least to - from long) and selected there. */
function median(values: Float64Array, from: number, to: number, scratch: Float64Array = new Float64Array(Math.max(0, to - from))): number {
  let n = 0;
  for (let i = from; i < to; i++) if (values[i] === values[i]) scratch[n++] = values[i]!;
  return n === 0 ? NaN : medianOf(scratch, n);
}

/** The first value minus all later ones. */
function diff(values: Float64Array, from: number, to: number): number {
  let result = NaN;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v !== v) continue;
    result = result !== result ? v : result - v;
  }
  return result;
}

/** Population standard deviation. */
function stddev(values: Float64Array, from: number, to: number): number {
  const mean = average(values, from, to);
  if (mean !== mean) return NaN;
  let squares = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v === v) {
      squares += (v - mean) * (v - mean);
      n++;
    }
  }
  return Math.sqrt(squares / n);
}

function range(values: Float64Array, from: number, to: number): number {
  return max(values, from, to) - min(values, from, to);
}

function multiply(values: Float64Array, from: number, to: number): number {
  if (to <= from) return NaN;
  let product = 1;
  for (let i = from; i < to; i++) product *= values[i]!;
  return product;
}

function last(values: Float64Array, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (values[i] === values[i]) return values[i]!;
  return NaN;
}

const AGG_FUNCS: Readonly<Record<AggFuncName, AggFunc>> = {
  average,
  avg_zero: avgZero,
  median,
  sum,
  min,
  max,
  diff,
  stddev,
  count,
  range,
  multiply,
  last,
};

const AGG_FUNC_ALIASES: Readonly<Record<string, AggFuncName>> = { rangeOf: 'range', avg: 'average', total: 'sum', current: 'last' };

/** Names getAggFunc accepts, in graphite-web's order (functions, then aliases). */
export const AGG_FUNC_NAMES: readonly string[] = [...Object.keys(AGG_FUNCS), ...Object.keys(AGG_FUNC_ALIASES)];

/** The aggregation named `name` (or an alias such as `avg`), or undefined. */
export function aggFunc(name: string): AggFunc | undefined {
  if (Object.hasOwn(AGG_FUNCS, name)) return AGG_FUNCS[name as AggFuncName];
  const alias = Object.hasOwn(AGG_FUNC_ALIASES, name) ? AGG_FUNC_ALIASES[name] : undefined;
  return alias === undefined ? undefined : AGG_FUNCS[alias];
}
