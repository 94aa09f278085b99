/**
 * Tensor fusion: consecutive gradient tensors are packed into groups of at most `thresholdBytes`, and each group
 * is reduced by one allreduce, so one ring pass carries many small tensors instead of paying the ring's 2(n-1)
 * latency per tensor. A tensor larger than the threshold goes alone. A threshold of 0 turns fusion off.
 */
export function fusionGroups(sizes: readonly number[], thresholdBytes: number): number[][] {
  if (!(thresholdBytes >= 0 && Number.isFinite(thresholdBytes))) throw new Error(`cannot plan tensor fusion: threshold must be a finite number of bytes >= 0, got ${thresholdBytes}`);
  const groups: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  sizes.forEach((size, index) => {
    const bytes = size * Float32Array.BYTES_PER_ELEMENT;
    if (current.length > 0 && currentBytes + bytes > thresholdBytes) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(index);
    currentBytes += bytes;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Rounds every value to the nearest IEEE half-precision number (round half to even; overflow to ±Infinity, tiny
 * values to subnormals or zero), in place: the precision fp16 gradient compression keeps.
 */
export function roundToHalf(values: Float32Array): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) bits[i] = halfToFloatBits(floatBitsToHalf(bits[i]!));
}

/** Float32 bits to half bits, round to nearest even. */
export function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1) === 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and reaches Infinity at the top).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
}

/** Half bits to float32 bits (exact). */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent - 15 + 127) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // Subnormal half: normalise into a float32.
  let m = mantissa;
  let e = -14;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | ((e + 127) << 23) | ((m & 0x3ff) << 13)) >>> 0;
}
