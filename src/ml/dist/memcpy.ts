/**
 * Copies `source` into `target` from element `targetIndex` on, at memcpy speed. TypedArray.prototype.set and
 * copyWithin copy word by word with relaxed atomics as soon as either side is a SharedArrayBuffer (30 to 40% slower on
 * the benchmark machine), and every copy between the caller's buffers and the threads transport's slots is such a
 * copy. Buffer.prototype.fill with a buffer exactly as long as the range is one C++ memcpy, whatever the memory.
 */
export function copyInto(target: Float32Array | Uint16Array | Uint8Array, targetIndex: number, source: Float32Array | Uint16Array | Uint8Array): void {
  const bytes = source.byteLength;
  if (bytes === 0) return;
  const targetByteOffset = targetIndex * target.BYTES_PER_ELEMENT;
  if (targetIndex < 0 || targetByteOffset + bytes > target.byteLength) throw new RangeError(`cannot copy ${bytes} bytes to byte ${targetByteOffset} of a ${target.byteLength}-byte array`);
  Buffer.from(target.buffer, target.byteOffset + targetByteOffset, bytes).fill(Buffer.from(source.buffer, source.byteOffset, bytes));
}
