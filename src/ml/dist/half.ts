/**
 * IEEE 754 half precision (binary16) in plain JavaScript: the reference the collectives' float16 wire is checked
 * against, and the rounding for the places that have no reduce kernel at hand (a ring of one rank). Round to nearest,
 * ties to even; a finite value of magnitude 65520 or more becomes ±Infinity (half precision's largest finite value is
 * 65504); values below 2^-14 become subnormal halves or ±0; NaN stays NaN (the quiet NaN 0x7e00, sign kept).
 *
 * Table-free bit twiddling on the float32 bits (Uint32 views of the arrays), one branch that is all but never taken
 * for the normal range. Node 20 has neither Math.f16round nor Float16Array; where Math.f16round exists (Node 24 on),
 * roundToHalf uses it (one rounding of the exact value, which is the same result). The transports convert with the
 * SIMD reduce kernel (reduce-kernel.ts) instead: the same results, an order of magnitude faster than a JavaScript loop.
 */

/** Float32 bits to half bits, round to nearest even. */
export function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const a = x & 0x7fffffff;
  // Normal halves: rebias the exponent and round the 13 dropped mantissa bits (a carry bumps the exponent, up to Infinity).
  if (a >= 0x38800000 && a < 0x47800000) return sign | ((a - 0x37fff001 + ((a >>> 13) & 1)) >>> 13);
  return sign | halfOfUnusual(a);
}

/** The magnitude bits of a float32 magnitude `a` outside the normal half range: subnormal or zero, overflow, Infinity or NaN. */
function halfOfUnusual(a: number): number {
  if (a >= 0x47800000) return a > 0x7f800000 ? 0x7e00 : 0x7c00;
  // 2^-25 and below round to zero (2^-25 itself is the tie between 0 and the smallest subnormal, 2^-24).
  if (a <= 0x33000000) return 0;
  // A subnormal half counts units of 2^-24: the float's 24-bit significand shifted right, rounded to nearest even.
  const shift = 126 - (a >>> 23);
  const m = (a & 0x7fffff) | 0x800000;
  return (m + (1 << (shift - 1)) - 1 + ((m >>> shift) & 1)) >>> shift;
}

/** Half bits to float32 bits (exact). */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const magnitude = h & 0x7fff;
  if (magnitude >= 0x7c00) return (sign | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0;
  if (magnitude >= 0x0400) return (sign | ((magnitude << 13) + 0x38000000)) >>> 0;
  if (magnitude === 0) return sign >>> 0;
  // Subnormal half: m · 2^-24 with m < 1024 is a normal float32; normalise it.
  const shift = Math.clz32(magnitude) - 21;
  return (sign | ((113 - shift) << 23) | (((magnitude << shift) & 0x3ff) << 13)) >>> 0;
}

const f16round = (Math as { f16round?: (x: number) => number }).f16round;

/** Rounds every value to the nearest half-precision value, in place (still float32). */
export function roundToHalf(values: Float32Array): void {
  if (f16round !== undefined) {
    for (let i = 0; i < values.length; i++) values[i] = f16round(values[i]!);
    return;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) bits[i] = halfToFloatBits(floatBitsToHalf(bits[i]!));
}

/** out[i] = the half bits of values[i]. */
export function encodeHalf(values: Float32Array, out: Uint16Array): void {
  if (out.length < values.length) throw new RangeError(`cannot encode ${values.length} values into ${out.length} halves`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) out[i] = floatBitsToHalf(bits[i]!);
}

/** out[i] = the float value of half bits halves[i]. */
export function decodeHalf(halves: Uint16Array, out: Float32Array): void {
  if (out.length < halves.length) throw new RangeError(`cannot decode ${halves.length} halves into ${out.length} values`);
  const bits = new Uint32Array(out.buffer, out.byteOffset, halves.length);
  for (let i = 0; i < halves.length; i++) bits[i] = halfToFloatBits(halves[i]!);
}

/** The half-precision value nearest to `x` rounded to float32 first (one value at a time; for tests and tolerances). */
export function halfRound(x: number): number {
  SCRATCH[0] = x;
  SCRATCH_BITS[0] = halfToFloatBits(floatBitsToHalf(SCRATCH_BITS[0]!));
  return SCRATCH[0]!;
}

const SCRATCH = new Float32Array(1);
const SCRATCH_BITS = new Uint32Array(SCRATCH.buffer);
