import type { PathNode, SeriesCatalog } from './catalog.js';

/** One entry of /metrics/find's treejson format. */
export interface TreeNode {
  readonly text: string;
  readonly id: string;
  readonly leaf: 0 | 1;
  readonly expandable: 0 | 1;
  readonly allowChildren: 0 | 1;
}

/** One entry of /metrics/find's completer format. */
export interface CompleterNode {
  readonly path?: string;
  readonly name: string;
  readonly is_leaf?: '0' | '1';
}

export interface FindOptions {
  readonly leavesOnly: boolean;
  /** Add a `*` entry when more than one node matches. */
  readonly wildcards: boolean;
}

/** Nodes matching `query`, sorted by node name (then path), leaves only if asked. */
export function findNodes(catalog: SeriesCatalog, query: string, leavesOnly: boolean): PathNode[] {
  let nodes = [...catalog.findNodes(query).values()];
  if (leavesOnly) nodes = nodes.filter((n) => n.leaf).map((n) => ({ ...n, branch: false }));
  return nodes.sort((a, b) => compare(a.name, b.name) || compare(a.path, b.path));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * graphite-web's tree_json: one entry per node name (under the query's prefix: `a.*` lists `a.b` as
 * text `b`, id `a.b`), branches first, then leaves. A name that is both a series and a prefix of
 * others (Vigil allows `a.b` beside `a.b.c`) is listed once, as a branch with `leaf: 1`, so Grafana can
 * both select it and expand it.
 */
export function treeJson(nodes: readonly PathNode[], query: string, options: FindOptions): TreeNode[] {
  const basePath = query.includes('.') ? query.slice(0, query.lastIndexOf('.') + 1) : '';
  const byName = new Map<string, { leaf: boolean; branch: boolean }>();
  for (const node of nodes) {
    const seen = byName.get(node.name);
    if (seen === undefined) byName.set(node.name, { leaf: node.leaf, branch: node.branch });
    else {
      seen.leaf ||= node.leaf;
      seen.branch ||= node.branch;
    }
  }
  const branches: TreeNode[] = [];
  const leaves: TreeNode[] = [];
  for (const [name, kind] of byName) {
    const entry = { text: name, id: basePath + name, leaf: kind.leaf ? 1 : 0, expandable: kind.branch ? 1 : 0, allowChildren: kind.branch ? 1 : 0 } as const;
    (kind.branch ? branches : leaves).push(entry);
  }
  const results: TreeNode[] = [];
  if (options.wildcards && nodes.length > 1) {
    const anyBranch = nodes.some((n) => n.branch);
    results.push({ text: '*', id: `${basePath}*`, leaf: anyBranch ? 0 : 1, expandable: anyBranch ? 1 : 0, allowChildren: anyBranch ? 1 : 0 });
  }
  return results.concat(branches, leaves);
}

/** graphite-web's completer query: `..` becomes `*.`, and a trailing `*` is added. */
export function completerQuery(query: string): string {
  const q = query.replace(/\.\./g, '*.');
  return q.endsWith('*') ? q : `${q}*`;
}

/** graphite-web's completer format: a branch's path ends with a dot. */
export function completerJson(nodes: readonly PathNode[], options: FindOptions): { metrics: CompleterNode[] } {
  const metrics: CompleterNode[] = [];
  for (const node of nodes) {
    if (node.branch) metrics.push({ path: `${node.path}.`, name: node.name, is_leaf: '0' });
    if (node.leaf) metrics.push({ path: node.path, name: node.name, is_leaf: '1' });
  }
  if (options.wildcards && metrics.length > 1) metrics.push({ name: '*' });
  return { metrics };
}

/** graphite-web's /metrics/expand: the paths matching each query, merged and sorted or grouped by query. */
export function expandQueries(catalog: SeriesCatalog, queries: readonly string[], leavesOnly: boolean, groupByExpr: boolean): { results: string[] | Record<string, string[]> } {
  const grouped: Record<string, string[]> = {};
  const all = new Set<string>();
  for (const query of queries) {
    const paths = findNodes(catalog, query, leavesOnly).map((n) => n.path);
    grouped[query] = [...new Set([...(grouped[query] ?? []), ...paths])].sort(compare);
    for (const p of paths) all.add(p);
  }
  return { results: groupByExpr ? grouped : [...all].sort(compare) };
}
