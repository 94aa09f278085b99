const TWO_POW_32 = 4294967296;

/** Murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform number in (0, 1) that is a pure function of (seed, index, counter): a counter-based random
 * source. A detector that draws its randomness this way has no generator state to snapshot, and the
 * draw for a given point is the same whatever happened before it. `index` may be any non-negative
 * integer up to 2^53; `seed` and `counter` are taken as 32-bit unsigned integers.
 */
export function hashUniform(seed: number, index: number, counter: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / TWO_POW_32) >>> 0;
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32((h + Math.imul(low, 0xcc9e2d51)) >>> 0);
  h = mix32((h ^ Math.imul(high, 0x1b873593)) >>> 0);
  h = mix32((h + Math.imul(counter >>> 0, 0xe6546b64) + 0x6b43a9b5) >>> 0);
  return (h + 0.5) / TWO_POW_32;
}
