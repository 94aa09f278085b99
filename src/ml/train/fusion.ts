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
 * Half precision (round half to even; overflow to ±Infinity, tiny values to subnormals or zero): the precision fp16
 * gradient compression keeps. The converters live with the collectives, whose float16 wire uses them.
 */
export { floatBitsToHalf, halfToFloatBits, roundToHalf } from '../dist/half.js';
