import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/index.js';
import { int64Text, nanosToMs, ProtoReader } from './proto-reader.js';
import { OtlpDecodeError } from './decode-error.js';

/** Varint bytes of an unsigned 64-bit value, as protobuf writes int64 (negatives as their two's complement). */
function varintBytes(value: bigint): Uint8Array {
  let rest = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Uint8Array.from(bytes);
}

function halves(value: bigint): [number, number] {
  const unsigned = BigInt.asUintN(64, value);
  return [Number(unsigned & 0xffffffffn), Number(unsigned >> 32n)];
}

describe('ProtoReader', () => {
  it('reads 64-bit varints whole, negative int64s included, and prints them exactly', () => {
    for (const value of [0n, 1n, 300n, 2n ** 31n, 2n ** 32n + 5n, 2n ** 53n + 1n, -1n, -9007199254740993n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      const reader = new ProtoReader(varintBytes(value));
      reader.varint64();
      expect([reader.lo, reader.hi]).toEqual(halves(value));
      expect(int64Text(reader.lo, reader.hi)).toBe(value.toString());
      expect(reader.pos).toBe(reader.length);
    }
  });

  it('reads sfixed64 and fixed64 as the nearest double', () => {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setBigInt64(0, -5n, true);
    view.setBigUint64(8, 2n ** 40n + 3n, true);
    const reader = new ProtoReader(bytes);
    expect(reader.fixed64Number(true)).toBe(-5);
    expect(reader.fixed64Number(false)).toBe(2 ** 40 + 3);
  });

  it('turns nanoseconds into whole milliseconds exactly, across the whole fixed64 range', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 10_000; i++) {
      const nanos = (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32));
      const [lo, hi] = halves(nanos);
      expect(nanosToMs(lo, hi)).toBe(Number(nanos / 1_000_000n));
    }
    const [lo, hi] = halves(1_718_452_800_123_999_999n);
    expect(nanosToMs(lo, hi)).toBe(1_718_452_800_123);
  });

  it('fails on truncated values and over-long varints, naming the offset', () => {
    expect(() => new ProtoReader(Uint8Array.from([0x80, 0x80])).varint()).toThrow(new OtlpDecodeError('a varint runs past the end at byte 2'));
    expect(() => new ProtoReader(new Uint8Array(11).fill(0xff)).varint64()).toThrow(/longer than 10 bytes at byte 10/);
    expect(() => new ProtoReader(new Uint8Array(7)).double()).toThrow(/8-byte value runs past the end at byte 0/);
    expect(() => new ProtoReader(Uint8Array.from([0x05, 1, 2])).lengthEnd()).toThrow(/length of 5 bytes runs past the end at byte 1/);
  });
});
