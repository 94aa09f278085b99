import type { Tags } from '../model/index.js';
import { parseSeriesKey, seriesKey, validateSeriesRef } from '../model/index.js';

export type SeriesKeyResult = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly cause: string };

/**
 * Canonical key of a series path as senders write it (`name` or `name;k=v;...`, tags in any order),
 * with `extraTags` merged in; a tag given both ways must agree. The cause names what is wrong.
 */
export function canonicalSeriesKey(path: string, extraTags?: Tags): SeriesKeyResult {
  let ref;
  try {
    ref = parseSeriesKey(path);
  } catch (err) {
    return { ok: false, cause: (err as Error).message };
  }
  let tags = ref.tags;
  if (extraTags !== undefined) {
    const merged: Record<string, string> = { ...ref.tags };
    for (const [name, value] of Object.entries(extraTags)) {
      const inPath = merged[name];
      if (inPath !== undefined && inPath !== value) {
        return { ok: false, cause: `tag ${name} is ${JSON.stringify(inPath)} in the series path but ${JSON.stringify(value)} in tags` };
      }
      merged[name] = value;
    }
    tags = merged;
  }
  const invalid = validateSeriesRef({ name: ref.name, tags });
  if (invalid !== null) return { ok: false, cause: invalid };
  return { ok: true, key: seriesKey(ref.name, tags) };
}
