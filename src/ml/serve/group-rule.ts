import { parseSeriesKey, seriesKey } from '../../model/index.js';

/**
 * How series form the groups a multi-series model judges together: by tag values (every series of `host=web1`), or,
 * for untagged dotted paths, by name nodes (0-based, as Graphite's groupByNode counts: node 1 of `servers.web1.cpu`
 * is `web1`).
 */
export type GroupRule = { readonly tags: readonly string[] } | { readonly nodes: readonly number[] };

/** A series' group and its feature: the key with the group's part taken out, the same for that metric in every group. */
export interface GroupPlace {
  readonly group: string;
  readonly feature: string;
}

/** Where a series key belongs under `rule`; null when the key lacks a tag or node the rule names. */
export function groupPlaceOf(rule: GroupRule, key: string): GroupPlace | null {
  let ref;
  try {
    ref = parseSeriesKey(key);
  } catch {
    return null;
  }
  if ('tags' in rule) {
    const rest: Record<string, string> = { ...ref.tags };
    const parts: string[] = [];
    for (const tag of rule.tags) {
      const value = ref.tags[tag];
      if (value === undefined) return null;
      parts.push(`${tag}=${value}`);
      delete rest[tag];
    }
    return { group: parts.join(';'), feature: seriesKey(ref.name, rest) };
  }
  const nodes = ref.name.split('.');
  const parts: string[] = [];
  for (const node of rule.nodes) {
    if (node >= nodes.length) return null;
    parts.push(nodes[node]!);
    nodes[node] = '*';
  }
  return { group: parts.join('.'), feature: seriesKey(nodes.join('.'), ref.tags) };
}

/**
 * The feature a training column stands for: a series key the model was trained on loses its group part (so a model
 * trained on web1's series serves web2's); a column that is no such key (a file's header) names its feature as is.
 */
export function featureOfColumn(rule: GroupRule, column: string): string {
  return groupPlaceOf(rule, column)?.feature ?? column;
}

/** "tags host" / "nodes 1, 2": for messages. */
export function describeGroupRule(rule: GroupRule): string {
  return 'tags' in rule ? `tags ${rule.tags.join(', ')}` : `nodes ${rule.nodes.join(', ')}`;
}
