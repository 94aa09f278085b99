const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) of `buf[start, end)`: the hash the series path caches are keyed by. */
export function hashPathBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, FNV_PRIME);
  return hash;
}

const INITIAL_SLOTS = 256;

/**
 * Hash table from the bytes of a series path to its canonical key, so that a steady stream of known
 * series creates no string per line and a tagged path is parsed and sorted once (pickle paths, OTLP
 * attribute names and values). Callers hash the bytes with hashPathBytes. Open addressing
 * with linear probing, at most half full; it grows up to maxEntries and then starts over empty, so its
 * memory stays bounded when a sender cycles through more series than that.
 */
export class SeriesKeyCache {
  private readonly maxSlots: number;
  private mask = INITIAL_SLOTS - 1;
  private size = 0;
  private hashes = new Int32Array(INITIAL_SLOTS);
  private paths = new Array<Uint8Array | undefined>(INITIAL_SLOTS);
  private keys = new Array<string | undefined>(INITIAL_SLOTS);

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
      throw new Error(`cannot create series key cache: maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.maxSlots = Math.max(INITIAL_SLOTS, 2 ** Math.ceil(Math.log2(maxEntries * 2)));
  }

  get entries(): number {
    return this.size;
  }

  /** The canonical key cached for `buf[start, end)`, or undefined. */
  get(buf: Uint8Array, start: number, end: number, hash: number): string | undefined {
    const length = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const path = this.paths[slot];
      if (path === undefined) return undefined;
      if (this.hashes[slot] === hash && path.length === length && sameBytes(path, buf, start)) return this.keys[slot];
    }
  }

  /** Caches the key of a path that `get` did not find. */
  set(buf: Uint8Array, start: number, end: number, hash: number, key: string): void {
    if ((this.size + 1) * 2 > this.paths.length) {
      if (this.paths.length < this.maxSlots) this.rehash(this.paths.length * 2);
      else this.rehash(INITIAL_SLOTS);
    }
    // A copy: a view would keep the whole network chunk alive.
    const path = new Uint8Array(end - start);
    path.set(buf.subarray(start, end));
    this.insert(hash, path, key);
  }

  private insert(hash: number, path: Uint8Array, key: string): void {
    let slot = hash & this.mask;
    while (this.paths[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.hashes[slot] = hash;
    this.paths[slot] = path;
    this.keys[slot] = key;
    this.size++;
  }

  /** Moves every entry into a table of `slots` slots; a table smaller than needed starts over empty. */
  private rehash(slots: number): void {
    const { hashes, paths, keys } = this;
    this.hashes = new Int32Array(slots);
    this.paths = new Array<Uint8Array | undefined>(slots);
    this.keys = new Array<string | undefined>(slots);
    this.mask = slots - 1;
    this.size = 0;
    if (slots < paths.length) return;
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i];
      if (path !== undefined) this.insert(hashes[i]!, path, keys[i]!);
    }
  }
}

function sameBytes(path: Uint8Array, buf: Uint8Array, start: number): boolean {
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== buf[start + i]) return false;
  }
  return true;
}
