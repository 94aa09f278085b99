/**
 * Deterministic pseudo-random numbers for the simulator. Not for cryptography.
 *
 * `seededRandom` (util) is the sequential generator; `uniformAt`/`gaussianAt` are its stateless counterparts, keyed by
 * (seed, stream, index), so that any point of a simulated series can be computed without replaying the points
 * before it and history and live phases agree whatever their step.
 */

const TWO_POW_32 = 4294967296;

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashAt(seed: number, stream: number, index: number): number {
  // Chained rather than XOR-combined so that distinct (stream, index) pairs do not collide by symmetry.
  return fmix32(fmix32(fmix32(seed + 0x9e3779b9) ^ stream) ^ index);
}

/** The uniform in [0, 1) at `index` of `stream` under `seed`; integers only (they are taken modulo 2^32). */
export function uniformAt(seed: number, stream: number, index: number): number {
  return hashAt(seed, stream, index) / TWO_POW_32;
}

/** A standard normal draw at `index` of `stream` under `seed` (Box–Muller over two hashed uniforms). */
export function gaussianAt(seed: number, stream: number, index: number): number {
  const h = hashAt(seed, stream, index);
  const u1 = 1 - h / TWO_POW_32; // in (0, 1], so the logarithm is finite
  const u2 = fmix32(h ^ 0x68e31da4) / TWO_POW_32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Smooth noise ("value noise"): standard normal knots every `periodMs`, joined by smoothstep, so a series
 * wanders slowly instead of jumping. Roughly standard normal at the knots, a little narrower between them.
 */
export function smoothNoiseAt(seed: number, stream: number, timestampMs: number, periodMs: number): number {
  const knot = Math.floor(timestampMs / periodMs);
  const fraction = (timestampMs - knot * periodMs) / periodMs;
  const a = gaussianAt(seed, stream, knot);
  const b = gaussianAt(seed, stream, knot + 1);
  const s = fraction * fraction * (3 - 2 * fraction);
  return a + (b - a) * s;
}
