import { SeriesKeyCache, hashPathBytes } from '../graphite/key-cache.js';
import type { ProtoReader } from './proto-reader.js';
import { tagNameOf, tagValueOf } from './series-names.js';

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Tag names and values of string attributes by their UTF-8 bytes, already sanitized: exporters send the
 * same attributes in every export, so once warm a data point's attributes cost a hash and a compare
 * each, not a string, a decode and a regular expression. Kept by a listener across requests; each
 * table starts over empty once it holds maxEntries.
 */
export class AttributeTextCache {
  private readonly names: SeriesKeyCache;
  private readonly values: SeriesKeyCache;

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    this.names = new SeriesKeyCache(maxEntries);
    this.values = new SeriesKeyCache(maxEntries);
  }

  /** The tag name of the attribute key in bytes [start, end) of the reader's buffer. */
  tagName(r: ProtoReader, start: number, end: number): string {
    return cached(this.names, r, start, end, tagNameOf);
  }

  /** The tag value of the string attribute value in bytes [start, end). */
  tagValue(r: ProtoReader, start: number, end: number): string {
    return cached(this.values, r, start, end, tagValueOf);
  }
}

function cached(cache: SeriesKeyCache, r: ProtoReader, start: number, end: number, sanitize: (text: string) => string): string {
  const { buf } = r;
  const hash = hashPathBytes(buf, start, end);
  const hit = cache.get(buf, start, end, hash);
  if (hit !== undefined) return hit;
  const text = sanitize(r.text(start, end));
  cache.set(buf, start, end, hash, text);
  return text;
}
