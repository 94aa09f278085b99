import type { SeriesInfo } from '../../model/index.js';
import { parseSeriesKey, seriesKey } from '../../model/index.js';
import type { Storage } from '../../store/index.js';
import { globToRegExp } from '../../util/index.js';
import { GraphiteInputError } from './input-error.js';
import { matchesAll, type TagSpec } from './tag-expr.js';

/** A node of the dotted path tree that /metrics/find lists: a series (leaf), a prefix of series (branch), or both. */
export interface PathNode {
  readonly path: string;
  /** The last dotted part of the path. */
  readonly name: string;
  leaf: boolean;
  branch: boolean;
}

/**
 * Graphite's view of Vigil's series. Untagged series form the dotted path tree that globs and
 * /metrics/find walk (as in Graphite, where tagged series live apart and are reached by seriesByTag);
 * every series, tagged or not, is in the tag index with its name as the `name` tag. A path holding
 * `;` names one tagged series exactly (`cpu;host=a`, tags in any order).
 *
 * The series index lives in memory and only grows, so each call scans it (no copy is kept).
 */
export class SeriesCatalog {
  constructor(private readonly storage: Storage) {}

  /** Every series, in id order. */
  *all(): Generator<SeriesInfo> {
    const count = this.storage.stats().seriesCount;
    for (let id = 0; id < count; id++) {
      const info = this.storage.seriesById(id);
      if (info !== undefined) yield info;
    }
  }

  /** Series a path expression names, sorted by key (Graphite sorts fetched series by name). */
  matchPath(pattern: string): SeriesInfo[] {
    if (pattern.includes(';')) {
      let key: string;
      try {
        const ref = parseSeriesKey(pattern);
        key = seriesKey(ref.name, ref.tags);
      } catch (err) {
        throw new GraphiteInputError(`cannot read tagged path ${JSON.stringify(pattern)}: ${(err as Error).message}`);
      }
      const info = this.storage.seriesByKey(key);
      return info === undefined ? [] : [info];
    }
    const regex = compileGlob(pattern);
    const matches: SeriesInfo[] = [];
    for (const info of this.all()) if (isUntagged(info) && regex.test(info.name)) matches.push(info);
    return sortByKey(matches);
  }

  /**
   * The path nodes at the depth of `query` whose path matches it (`a.*` lists `a.b` and `a.c`), keyed
   * by path. A query of n dotted parts looks at the first n parts of each series name.
   */
  findNodes(query: string): Map<string, PathNode> {
    const regex = compileGlob(query);
    const depth = splitNodes(query).length;
    const nodes = new Map<string, PathNode>();
    for (const info of this.all()) {
      if (!isUntagged(info)) continue;
      const name = info.name;
      const end = endOfNode(name, depth);
      if (end < 0) continue;
      const path = end === name.length ? name : name.slice(0, end);
      if (!regex.test(path)) continue;
      let node = nodes.get(path);
      if (node === undefined) {
        node = { path, name: path.slice(path.lastIndexOf('.') + 1), leaf: false, branch: false };
        nodes.set(path, node);
      }
      if (end === name.length) node.leaf = true;
      else node.branch = true;
    }
    return nodes;
  }

  /** Series whose tags satisfy every condition, sorted by key. */
  matchTags(specs: readonly TagSpec[]): SeriesInfo[] {
    const matches: SeriesInfo[] = [];
    for (const info of this.all()) if (matchesAll(specs, tagsOf(info))) matches.push(info);
    return sortByKey(matches);
  }
}

/** A series' tags with its name as the `name` tag, as Graphite's tag database holds them. */
export function tagsOf(info: SeriesInfo): Readonly<Record<string, string>> {
  return { ...info.tags, name: info.name };
}

function isUntagged(info: SeriesInfo): boolean {
  return info.key === info.name;
}

function sortByKey(series: SeriesInfo[]): SeriesInfo[] {
  return series.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function compileGlob(pattern: string): RegExp {
  try {
    return globToRegExp(pattern);
  } catch (err) {
    throw new GraphiteInputError((err as Error).message);
  }
}

/** The dotted parts of a glob; dots inside `{...}` or `[...]` do not split. */
function splitNodes(pattern: string): string[] {
  const nodes: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of pattern) {
    if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
    if (c === '.' && depth === 0) {
      nodes.push(current);
      current = '';
    } else current += c;
  }
  nodes.push(current);
  return nodes;
}

/** Index just past the `depth`-th dotted part of `name`, or -1 when it has fewer parts. */
function endOfNode(name: string, depth: number): number {
  let end = -1;
  for (let i = 0; i < depth; i++) {
    end = name.indexOf('.', end + 1);
    if (end < 0) return i === depth - 1 ? name.length : -1;
  }
  return end;
}
