import type { SeriesInfo } from '../../model/index.js';
import { tagsOf, type SeriesCatalog } from './catalog.js';
import { GraphiteInputError } from './input-error.js';
import { compilePythonRegex } from './python-regex.js';
import { parseTagQuery, parseTagSpec } from './tag-expr.js';

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Series matching tag expressions, or every series when there are none. */
function seriesFor(catalog: SeriesCatalog, expressions: readonly string[]): Iterable<SeriesInfo> {
  return expressions.length === 0 ? catalog.all() : catalog.matchTags(parseTagQuery(expressions));
}

/**
 * /tags/autoComplete/tags: tag names of the series matching the expressions (of all series when
 * none), except the tags the expressions already name, starting with `tagPrefix`; sorted, at most `limit`.
 */
export function autoCompleteTags(catalog: SeriesCatalog, expressions: readonly string[], tagPrefix: string, limit: number): string[] {
  const searched = new Set(expressions.map((e) => parseTagSpec(e).tag));
  const names = new Set<string>();
  for (const info of seriesFor(catalog, expressions)) {
    for (const tag of Object.keys(tagsOf(info))) if (!searched.has(tag) && tag.startsWith(tagPrefix)) names.add(tag);
  }
  return sorted(names).slice(0, limit);
}

/**
 * /tags/autoComplete/values: values of `tag` among the series matching the expressions (all series
 * when none), starting with `valuePrefix`; sorted, at most `limit`.
 */
export function autoCompleteValues(catalog: SeriesCatalog, expressions: readonly string[], tag: string, valuePrefix: string, limit: number): string[] {
  const values = new Set<string>();
  const query = expressions.length === 0 ? [] : [...expressions, `${tag}!=`];
  for (const info of seriesFor(catalog, query)) {
    const value = tagsOf(info)[tag];
    if (value !== undefined && value.startsWith(valuePrefix)) values.add(value);
  }
  return sorted(values).slice(0, limit);
}

/** A /tags `filter`: a regular expression anchored at the start, as graphite-web's tag database reads it. */
function anchoredFilter(filter: string | undefined): RegExp | null {
  if (filter === undefined || filter === '') return null;
  try {
    return compilePythonRegex(filter.startsWith('^') ? filter : `^(?:${filter})`);
  } catch (err) {
    throw new GraphiteInputError((err as Error).message);
  }
}

/** GET /tags: every tag name (sorted), filtered and limited. */
export function listTags(catalog: SeriesCatalog, filter: string | undefined, limit: number | undefined): { tag: string }[] {
  const regex = anchoredFilter(filter);
  const names = new Set<string>();
  for (const info of catalog.all()) for (const tag of Object.keys(tagsOf(info))) if (regex === null || regex.test(tag)) names.add(tag);
  return sorted(names)
    .slice(0, limit)
    .map((tag) => ({ tag }));
}

/** GET /tags/<tag>: its values with the number of series holding each; null when no series has the tag. */
export function tagDetails(catalog: SeriesCatalog, tag: string, filter: string | undefined, limit: number | undefined): { tag: string; values: { value: string; count: number }[] } | null {
  const regex = anchoredFilter(filter);
  const counts = new Map<string, number>();
  let present = false;
  for (const info of catalog.all()) {
    const value = tagsOf(info)[tag];
    if (value === undefined) continue;
    present = true;
    if (regex === null || regex.test(value)) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  if (!present) return null;
  return {
    tag,
    values: sorted(counts.keys())
      .slice(0, limit)
      .map((value) => ({ value, count: counts.get(value)! })),
  };
}

/** /tags/findSeries: the tagged paths (canonical keys) of the series matching every expression. */
export function findTaggedSeries(catalog: SeriesCatalog, expressions: readonly string[]): string[] {
  return catalog.matchTags(parseTagQuery(expressions)).map((info) => info.key);
}
