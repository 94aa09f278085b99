const INITIAL_SLOTS = 1024;
const SLOT_INTS = 3;
const INITIAL_ARENA_BYTES = 64 * 1024;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * MurmurHash3 (x86, 32-bit) of `buf[start, end)`, reading four bytes at a time through `view` (a
 * DataView over the same bytes): label sets run to a few hundred bytes, where a byte-at-a-time hash
 * costs about three times as much.
 */
export function hashLabelBytes(view: DataView, buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = Math.imul(view.getInt32(i, true), C1);
    k = Math.imul((k << 15) | (k >>> 17), C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= buf[i]! << shift;
  k = Math.imul(k, C1);
  k = Math.imul((k << 15) | (k >>> 17), C2);
  h ^= k ^ (end - start);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hash table from the raw bytes of a TimeSeries' labels to its series key, so that a series seen
 * before costs a hash and one native byte compare instead of decoding, validating and sorting its
 * labels again. Open addressing with linear probing, at most half full. A slot is three integers
 * (hash, offset, length) in one typed array and the label bytes sit in one arena, so a lookup in a
 * large table touches few cache lines. It grows up to maxEntries and then starts over empty, so its
 * memory stays bounded when senders cycle through more series than that.
 */
export class LabelKeyCache {
  private readonly maxSlots: number;
  private mask = INITIAL_SLOTS - 1;
  private size = 0;
  /** Per slot: hash, arena offset, label byte length + 1 (0 marks an empty slot). */
  private slots = new Int32Array(INITIAL_SLOTS * SLOT_INTS);
  private keys = new Array<string | undefined>(INITIAL_SLOTS);
  private arena = Buffer.allocUnsafe(INITIAL_ARENA_BYTES);
  private arenaUsed = 0;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
      throw new Error(`cannot create label key cache: maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.maxSlots = Math.max(INITIAL_SLOTS, 2 ** Math.ceil(Math.log2(maxEntries * 2)));
  }

  get entries(): number {
    return this.size;
  }

  /** The key cached for the labels `buf[start, end)` with hash `hash`, or undefined. */
  get(buf: Buffer, start: number, end: number, hash: number): string | undefined {
    const stored = end - start + 1;
    const slots = this.slots;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * SLOT_INTS;
      const length = slots[at + 2]!;
      if (length === 0) return undefined;
      if (slots[at] === hash && length === stored) {
        const offset = slots[at + 1]!;
        // Buffer#compare is a memcmp: several times faster than a JavaScript loop over label-sized runs.
        if (buf.compare(this.arena, offset, offset + stored - 1, start, end) === 0) return this.keys[slot];
      }
    }
  }

  /** Caches the key of labels that `get` did not find. */
  set(buf: Buffer, start: number, end: number, hash: number, key: string): void {
    if ((this.size + 1) * 2 > this.keys.length) {
      if (this.keys.length < this.maxSlots) this.rehash(this.keys.length * 2);
      else this.clear();
    }
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(grown, 0, 0, this.arenaUsed);
      this.arena = grown;
    }
    // A copy: the decoder's buffer is reused for the next body.
    buf.copy(this.arena, this.arenaUsed, start, end);
    this.insert(hash, this.arenaUsed, length + 1, key);
    this.arenaUsed += length;
  }

  private insert(hash: number, offset: number, stored: number, key: string): void {
    let slot = hash & this.mask;
    while (this.slots[slot * SLOT_INTS + 2] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * SLOT_INTS;
    this.slots[at] = hash;
    this.slots[at + 1] = offset;
    this.slots[at + 2] = stored;
    this.keys[slot] = key;
    this.size++;
  }

  /** Moves every entry into a table twice the size; the arena stays as it is. */
  private rehash(slotCount: number): void {
    const { slots, keys } = this;
    this.slots = new Int32Array(slotCount * SLOT_INTS);
    this.keys = new Array<string | undefined>(slotCount);
    this.mask = slotCount - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) {
      const at = i * SLOT_INTS;
      if (slots[at + 2] !== 0) this.insert(slots[at]!, slots[at + 1]!, slots[at + 2]!, keys[i]!);
    }
  }

  private clear(): void {
    this.slots = new Int32Array(INITIAL_SLOTS * SLOT_INTS);
    this.keys = new Array<string | undefined>(INITIAL_SLOTS);
    this.mask = INITIAL_SLOTS - 1;
    this.size = 0;
    this.arena = Buffer.allocUnsafe(INITIAL_ARENA_BYTES);
    this.arenaUsed = 0;
  }
}
