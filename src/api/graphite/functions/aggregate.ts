import { aggFunc } from '../agg-funcs.js';
import { longest, normalize } from '../consolidate.js';
import { firstPathExpression } from '../expression.js';
import { GraphiteInputError } from '../input-error.js';
import { makeSeries, type Series } from '../series.js';

/** Graphite's formatPathExpressions: each distinct pathExpression once, in order of first appearance. */
export function formatPathExpressions(series: readonly Series[]): string {
  const seen: string[] = [];
  for (const s of series) if (!seen.includes(s.pathExpression)) seen.push(s.pathExpression);
  return seen.join(',');
}

/**
 * graphite-web's aggregate(): normalizes the series to a common step, then applies `func` across
 * them point by point. The result is named `<func>Series(<pathExpressions>)`; a point with no value,
 * or fewer non-null values than xFilesFactor asks, is null. Tags are those every series shares, plus
 * `aggregatedBy`.
 */
export function aggregateSeries(series: readonly Series[], func: string, xFilesFactor: number): Series[] {
  const name = func.endsWith('Series') ? func.slice(0, -6) : func;
  const agg = aggFunc(name);
  if (agg === undefined) throw new GraphiteInputError(`cannot aggregate: unsupported aggregation function ${JSON.stringify(func)}`);
  const normalized = normalize(series);
  if (normalized === null) return [];
  const columns = normalized.values;
  const n = longest(columns);
  const row = new Float64Array(columns.length);
  const scratch = new Float64Array(columns.length);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let nonNull = 0;
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j]!;
      const v = i < column.length ? column[i]! : NaN;
      row[j] = v;
      if (v === v) nonNull++;
    }
    values[i] = nonNull > 0 && nonNull / columns.length >= xFilesFactor ? agg(row, 0, columns.length, scratch) : NaN;
  }
  const seriesName = `${name}Series(${formatPathExpressions(series)})`;
  const tags = commonTags(series);
  if (!Object.hasOwn(tags, 'name')) tags.name = seriesName;
  tags.aggregatedBy = name;
  return [
    makeSeries({ name: seriesName, startSec: normalized.startSec, endSec: normalized.endSec, stepSec: normalized.stepSec, values, xFilesFactor, tags }),
  ];
}

/** Tags with the same value in every series. */
function commonTags(series: readonly Series[]): Record<string, string> {
  const tags: Record<string, string> = { ...series[0]!.tags };
  for (const s of series) {
    for (const tag of Object.keys(tags)) if (s.tags[tag] !== tags[tag]) delete tags[tag];
  }
  return tags;
}

/**
 * Graphite's aggKey: the nodes (dotted parts, negative counting from the end) or tag values that
 * name a group, joined with dots. The name of a series made by a function is read through its first
 * path expression; tags are split off first; a node out of range reads as a tag and gives '' when absent.
 */
export function aggKey(series: Series, nodes: readonly (number | string)[]): string {
  const path = series.name.endsWith(')') ? (firstPathExpression(series.name) ?? series.name) : series.name;
  const parts = path.split(';', 1)[0]!.split('.');
  return nodes
    .map((n) => {
      if (typeof n === 'number' && Number.isInteger(n)) {
        const index = n < 0 ? parts.length + n : n;
        if (index >= 0 && index < parts.length) return parts[index]!;
      }
      return series.tags[String(n)] ?? '';
    })
    .join('.');
}

/** Series grouped by key, groups in order of first appearance. */
export function groupBy(series: readonly Series[], key: (s: Series) => string): Map<string, Series[]> {
  const groups = new Map<string, Series[]>();
  for (const s of series) {
    const k = key(s);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [s]);
    else group.push(s);
  }
  return groups;
}
