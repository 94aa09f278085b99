import { describe, expect, it } from 'vitest';
import { seededRandom } from '../synthetic-series.testsuite.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { RandomCutTree } from './random-cut-tree.js';

const DIMS = 2;

/** Points are offsets into one coordinate array: point i is coords[DIMS * i .. DIMS * i + DIMS). */
function pointsArray(count: number, at: (i: number) => [number, number]): Float64Array {
  const coords = new Float64Array(count * DIMS);
  for (let i = 0; i < count; i++) coords.set(at(i), DIMS * i);
  return coords;
}

function roundTrip(tree: RandomCutTree, coords: Float64Array, capacity: number): RandomCutTree {
  const writer = new ByteWriter();
  const stack = new Uint16Array(capacity + 1);
  tree.encode(writer, stack);
  const copy = new RandomCutTree(capacity, DIMS, coords, 7);
  const reader = new ByteReader(writer.toBase64(), 'test', 'tree');
  copy.decode(reader, coords.length - DIMS, stack);
  return copy;
}

describe('RandomCutTree', () => {
  it('scores a far point well above a point inside the cloud, about 1 being ordinary', () => {
    const random = seededRandom(1);
    const n = 256;
    const coords = pointsArray(n + 2, (i) => (i < n ? [random(), random()] : i === n ? [0.5, 0.5] : [8, -6]));
    const tree = new RandomCutTree(n, DIMS, coords, 7);
    for (let i = 0; i < n; i++) tree.insert(DIMS * i, i);
    expect(tree.size).toBe(n);
    const inside = tree.score(DIMS * n);
    const far = tree.score(DIMS * (n + 1));
    expect(inside).toBeGreaterThan(0.2);
    expect(inside).toBeLessThan(2);
    // Separated at the root almost surely: close to log2(n + 1).
    expect(far).toBeGreaterThan(0.9 * Math.log2(n + 1));
  });

  it('keeps identical points in one leaf and never scores a repeat high', () => {
    const coords = pointsArray(3, (i) => (i < 2 ? [1, 1] : [2, 1]));
    const tree = new RandomCutTree(64, DIMS, coords, 7);
    for (let k = 0; k < 40; k++) tree.insert(0, k);
    expect(tree.size).toBe(40);
    expect(tree.score(2)).toBeLessThan(1);
    expect(tree.score(4)).toBeCloseTo(Math.log2(41), 6);
    expect(tree.delete(2)).toBe(true);
    expect(tree.size).toBe(39);
    expect(tree.delete(4)).toBe(false);
  });

  it('stays consistent through interleaved inserts and deletes, and its encoding rebuilds the same tree', () => {
    const random = seededRandom(2);
    const total = 2000;
    const capacity = 128;
    const coords = pointsArray(total, () => [Math.round(random() * 20) / 4, random() < 0.1 ? 3 : random()]);
    const tree = new RandomCutTree(capacity, DIMS, coords, 7);
    const held: number[] = [];
    for (let i = 0; i < total; i++) {
      if (held.length === capacity) {
        const k = Math.floor(random() * held.length);
        expect(tree.delete(DIMS * held[k]!)).toBe(true);
        held.splice(k, 1);
      }
      tree.insert(DIMS * i, i);
      held.push(i);
      expect(tree.size).toBe(held.length);
    }
    // Every held point reaches a leaf with its own coordinates; decode checks the same of every leaf.
    for (const i of held) expect(tree.leafHolds(tree.findLeaf(DIMS * i), DIMS * i)).toBe(true);
    const copy = roundTrip(tree, coords, capacity);
    expect(copy.size).toBe(tree.size);
    for (let i = 0; i < total; i += 7) expect(copy.score(DIMS * i)).toBe(tree.score(DIMS * i));
    for (const i of held) expect(copy.delete(DIMS * i)).toBe(true);
    expect(copy.size).toBe(0);
  });

  it('refuses an encoding that is truncated or whose leaves its cuts do not reach', () => {
    const coords = pointsArray(4, (i) => [i, 10 - i]);
    const tree = new RandomCutTree(8, DIMS, coords, 7);
    for (let i = 0; i < 4; i++) tree.insert(DIMS * i, i);
    const writer = new ByteWriter();
    tree.encode(writer, new Uint16Array(9));
    const bytes = Buffer.from(writer.toBase64(), 'base64');
    const decode = (encoded: Buffer): void => new RandomCutTree(8, DIMS, coords, 7).decode(new ByteReader(encoded.toString('base64'), 'test', 'tree'), 6, new Uint16Array(9));
    expect(() => decode(bytes.subarray(0, bytes.length - 1))).toThrow('cannot restore detector test: tree is truncated');
    // The root's cut moved far below every point: all leaves now sit on its wrong side.
    const moved = Buffer.from(bytes);
    moved.writeDoubleLE(-1e9, 1);
    expect(() => decode(moved)).toThrow(/leaf that its own point does not reach/);
  });
});
