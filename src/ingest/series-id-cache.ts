const INITIAL_SLOTS = 1024;
const INITIAL_ARENA_BYTES = 64 * 1024;
/** Int32 fields per entry: hash, offset of the path in the arena, path length, id. */
const ENTRY_FIELDS = 4;
const HASH = 0;
const OFFSET = 1;
const LENGTH = 2;
const ID = 3;
/** Arena bytes allowed per entry on average before the cache starts over (paths are rarely this long). */
const ARENA_BYTES_PER_ENTRY = 256;
/** From this length on, bytes are compared by Buffer#compare (a memcmp) rather than a JavaScript loop. */
const NATIVE_COMPARE_BYTES = 48;

/**
 * Hash table from the bytes that name a series on the wire (a Graphite path, the labels of a remote
 * write TimeSeries) to the series id the store gave it, so that a point of a known series costs no
 * string and no Map lookup. Entries (hash, arena offset, length, id) lie in one
 * typed array in the order they were added, the bytes of their paths end to end in one arena, and an
 * open-addressing table (linear probing, at most half full) holds entry numbers.
 *
 * Senders repeat their series in the same order every interval, so `getNext` tries the entry after the
 * last one found: that hit needs no hash and reads memory next to the last one instead of a random
 * table slot, which is what a lookup among 100,000 series otherwise waits for. `get` looks bytes up by
 * a 32-bit hash of the caller's choosing (the same function for every call on one cache).
 *
 * It grows up to maxEntries (and an arena of 256 bytes per entry), then starts over empty: memory
 * stays bounded when senders cycle through more series than that, at the price of resolving their
 * keys again. Ids are cached as the store gave them, which is safe because a store never changes a
 * series' id while it runs.
 */
export class SeriesIdCache {
  private readonly maxSlots: number;
  private readonly maxArenaBytes: number;
  private mask = INITIAL_SLOTS - 1;
  /** Entry number + 1 per slot; 0 is an empty slot. */
  private table = new Int32Array(INITIAL_SLOTS);
  private entryFields = new Int32Array((INITIAL_SLOTS / 2) * ENTRY_FIELDS);
  private size = 0;
  private arena = Buffer.alloc(INITIAL_ARENA_BYTES);
  private arenaUsed = 0;
  /** The entry found last; the next lookup tries the one after it first. */
  private last = -1;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
      throw new Error(`cannot create series id cache: maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.maxSlots = Math.max(INITIAL_SLOTS, 2 ** Math.ceil(Math.log2(maxEntries * 2)));
    this.maxArenaBytes = Math.max(INITIAL_ARENA_BYTES, maxEntries * ARENA_BYTES_PER_ENTRY);
  }

  get entries(): number {
    return this.size;
  }

  /**
   * The id of the path `buf[start, end)` if it is the one added or found after the last path found,
   * as when a sender repeats its series in order; else -1, and `get` must look it up by hash.
   */
  getNext(buf: Buffer, start: number, end: number): number {
    const next = this.last + 1;
    if (next >= this.size || !this.sameBytes(next, buf, start, end)) return -1;
    this.last = next;
    return this.entryFields[next * ENTRY_FIELDS + ID]! >>> 0;
  }

  /** The id cached for the bytes `buf[start, end)` with hash `hash`, or -1. */
  get(buf: Buffer, start: number, end: number, hash: number): number {
    const table = this.table;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = table[slot]! - 1;
      if (entry < 0) return -1;
      if (this.matches(entry, buf, start, end, hash)) {
        this.last = entry;
        return this.entryFields[entry * ENTRY_FIELDS + ID]! >>> 0;
      }
    }
  }

  /** Caches the id of a path that `get` did not find. */
  set(buf: Buffer, start: number, end: number, hash: number, id: number): void {
    const length = end - start;
    if ((this.size + 1) * 2 > this.table.length) {
      if (this.table.length < this.maxSlots) this.grow(this.table.length * 2);
      else this.clear();
    }
    if (this.arenaUsed + length > this.arena.length) {
      if (this.arenaUsed + length > this.maxArenaBytes) this.clear();
      if (this.arenaUsed + length > this.arena.length) this.growArena(this.arenaUsed + length);
    }
    // A copy: the caller's buffer is a network chunk or a decoder's buffer that is reused.
    buf.copy(this.arena, this.arenaUsed, start, end);
    const entry = this.size++;
    const base = entry * ENTRY_FIELDS;
    this.entryFields[base + HASH] = hash;
    this.entryFields[base + OFFSET] = this.arenaUsed;
    this.entryFields[base + LENGTH] = length;
    this.entryFields[base + ID] = id | 0;
    this.arenaUsed += length;
    this.place(entry, hash);
    this.last = entry;
  }

  private matches(entry: number, buf: Buffer, start: number, end: number, hash: number): boolean {
    return this.entryFields[entry * ENTRY_FIELDS + HASH] === hash && this.sameBytes(entry, buf, start, end);
  }

  private sameBytes(entry: number, buf: Buffer, start: number, end: number): boolean {
    const base = entry * ENTRY_FIELDS;
    const length = end - start;
    if (this.entryFields[base + LENGTH] !== length) return false;
    const arena = this.arena;
    const offset = this.entryFields[base + OFFSET]!;
    if (length >= NATIVE_COMPARE_BYTES) return buf.compare(arena, offset, offset + length, start, end) === 0;
    for (let i = 0; i < length; i++) if (arena[offset + i] !== buf[start + i]) return false;
    return true;
  }

  private place(entry: number, hash: number): void {
    let slot = hash & this.mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
    this.table[slot] = entry + 1;
  }

  private grow(slotCount: number): void {
    this.table = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    const fields = new Int32Array((slotCount / 2) * ENTRY_FIELDS);
    fields.set(this.entryFields);
    this.entryFields = fields;
    for (let entry = 0; entry < this.size; entry++) this.place(entry, fields[entry * ENTRY_FIELDS + HASH]!);
  }

  /** Starts over empty, keeping the grown table and arena for reuse. */
  private clear(): void {
    this.table.fill(0);
    this.size = 0;
    this.arenaUsed = 0;
    this.last = -1;
  }

  private growArena(needed: number): void {
    let bytes = this.arena.length * 2;
    while (bytes < needed) bytes *= 2;
    const arena = Buffer.alloc(Math.min(bytes, Math.max(needed, this.maxArenaBytes)));
    this.arena.copy(arena, 0, 0, this.arenaUsed);
    this.arena = arena;
  }
}
