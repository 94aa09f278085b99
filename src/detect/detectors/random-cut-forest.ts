import { stateError } from '../state-data.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { ADDED, DecaySampler, REJECTED } from './decay-sampler.js';
import { RandomCutTree } from './random-cut-tree.js';
import { ShingleRing } from './shingle-ring.js';

/** The value window spans this many decay horizons: a sample point older than that is dropped (under 5% of a sample's weight). */
const WINDOW_HORIZONS = 3;

export interface RandomCutForestOptions {
  readonly trees: number;
  readonly sampleSize: number;
  readonly shingleSize: number;
  /** A sample point's weight falls by e every `decayHorizon × sampleSize` points. */
  readonly decayHorizon: number;
  readonly seed: number;
}

/** The forest's part of a detector state: base64 strings (see ByteWriter). */
export interface RandomCutForestState {
  readonly ring: string;
  readonly trees: string[];
  readonly samples: string[];
}

/**
 * A streaming random cut forest over shingles: the last `shingleSize` values form a point, every tree
 * keeps a time-decayed sample of points, and a point's score is its expected isolation score averaged
 * over the trees. Points are offsets into one shared value window (consecutive shingles overlap, so a
 * point costs one stored value, not `shingleSize`); a sample point that would outlive the window is
 * dropped from its trees just before its first value is overwritten.
 */
export class RandomCutForest {
  readonly ring: ShingleRing;
  private readonly trees: RandomCutTree[];
  private readonly samplers: DecaySampler[];
  /** Sample entries, over all trees, per window slot: a slot leaving the window with none needs no search. */
  private readonly holders: Uint8Array;
  /** Scratch for tree encoding and decoding (an explicit preorder stack). */
  private readonly stack: Uint16Array;

  constructor(readonly options: RandomCutForestOptions) {
    const { trees, sampleSize, shingleSize, decayHorizon, seed } = options;
    if (!Number.isInteger(trees) || trees < 1 || trees > 255) throw new Error(`cannot create random cut forest: trees must be an integer in [1, 255], got ${trees}`);
    const horizonPoints = decayHorizon * sampleSize;
    const capacity = Math.ceil(WINDOW_HORIZONS * horizonPoints) + shingleSize;
    this.ring = new ShingleRing(capacity, shingleSize);
    this.trees = [];
    this.samplers = [];
    for (let i = 0; i < trees; i++) {
      const treeSeed = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca77)) >>> 0;
      this.trees.push(new RandomCutTree(sampleSize, shingleSize, this.ring.values, treeSeed));
      this.samplers.push(new DecaySampler(sampleSize, treeSeed, 1 / horizonPoints));
    }
    this.holders = new Uint8Array(capacity);
    this.stack = new Uint16Array(sampleSize + 1);
  }

  get sizeBytes(): number {
    let total = this.ring.values.byteLength + this.holders.byteLength + this.stack.byteLength;
    for (const tree of this.trees) total += tree.sizeBytes;
    for (const sampler of this.samplers) total += sampler.sizeBytes;
    return total;
  }

  /** Points in the first tree's sample (every tree takes every point until its sample fills). */
  get sampled(): number {
    return this.samplers[0]!.size;
  }

  /**
   * Appends a value and returns the slot of the shingle it completes, or -1 while fewer than
   * `shingleSize` values have arrived. The shingle is neither scored nor learned yet.
   */
  push(value: number): number {
    const d = this.options.shingleSize;
    const index = this.ring.count;
    this.expire(index - this.ring.capacity + d - 1);
    const slot = this.ring.push(value);
    return index >= d - 1 ? slot : -1;
  }

  /** Mean expected isolation score of the shingle at `slot` over the trees (about 1 is ordinary). */
  score(slot: number): number {
    let total = 0;
    for (const tree of this.trees) total += tree.score(slot);
    return total / this.trees.length;
  }

  /** Offers the newest shingle (at `slot`) to every tree's sampler, inserting it where it is taken. */
  learn(slot: number): void {
    const index = this.ring.count - 1;
    for (let i = 0; i < this.trees.length; i++) {
      const outcome = this.samplers[i]!.offer(index);
      if (outcome === REJECTED) continue;
      const tree = this.trees[i]!;
      if (outcome !== ADDED) {
        const evicted = this.ring.slotOf(outcome);
        tree.delete(evicted);
        this.holders[evicted]!--;
      }
      tree.insert(slot, index);
      this.holders[slot]!++;
    }
  }

  snapshot(): RandomCutForestState {
    const ring = new ByteWriter();
    this.ring.encode(ring, this.neededSlots());
    const trees: string[] = [];
    const samples: string[] = [];
    const newest = this.ring.count - 1;
    for (let i = 0; i < this.trees.length; i++) {
      const tree = new ByteWriter();
      this.trees[i]!.encode(tree, this.stack);
      trees.push(tree.toBase64());
      const sampler = this.samplers[i]!;
      const ages: number[] = [];
      for (let p = 0; p < sampler.size; p++) ages.push(newest - sampler.indexAt(p));
      ages.sort((a, b) => a - b);
      const sample = new ByteWriter();
      // Gaps between sorted ages: mostly one byte each.
      let previous = 0;
      for (const age of ages) {
        sample.varint(age - previous);
        previous = age;
      }
      samples.push(sample.toBase64());
    }
    return { ring: ring.toBase64(), trees, samples };
  }

  /** Restores a state taken from a forest with the same options; checks every tree against its sample. */
  restore(state: RandomCutForestState, detectorId: string): void {
    const n = this.trees.length;
    if (!Array.isArray(state.trees) || state.trees.length !== n) throw stateError(detectorId, `forest.trees must hold ${n} trees`);
    if (!Array.isArray(state.samples) || state.samples.length !== n) throw stateError(detectorId, `forest.samples must hold ${n} samples`);
    const ring = new ByteReader(state.ring, detectorId, 'forest.ring');
    this.ring.decode(ring);
    ring.end();
    this.holders.fill(0);
    const d = this.options.shingleSize;
    const newest = this.ring.count - 1;
    const oldest = Math.max(d - 1, this.ring.count - this.ring.capacity + d - 1);
    const maxSlot = this.ring.capacity - 1;
    for (let i = 0; i < n; i++) {
      const tree = this.trees[i]!;
      const sampler = this.samplers[i]!;
      tree.decode(new ByteReader(state.trees[i], detectorId, `forest.trees[${i}]`), maxSlot, this.stack);
      const reader = new ByteReader(state.samples[i], detectorId, `forest.samples[${i}]`);
      sampler.clear();
      const perLeaf = new Map<number, number>();
      let age = 0;
      while (!reader.done) {
        age += reader.varint();
        const index = newest - age;
        if (index < oldest) throw reader.error(`holds stream index ${index}, outside the window [${oldest}, ${newest}]`);
        if (sampler.size === sampler.capacity) throw reader.error(`holds more than ${sampler.capacity} points`);
        sampler.offer(index);
        const slot = this.ring.slotOf(index);
        const leaf = tree.findLeaf(slot);
        if (!tree.leafHolds(leaf, slot)) throw reader.error(`holds stream index ${index}, which its tree does not hold`);
        perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
        this.holders[slot]!++;
      }
      for (const [leaf, count] of perLeaf) {
        if (tree.leafMassOf(leaf) !== count) throw stateError(detectorId, `forest.trees[${i}] holds a leaf of mass ${tree.leafMassOf(leaf)} for ${count} sampled points`);
      }
      if (tree.size !== sampler.size) throw stateError(detectorId, `forest.trees[${i}] holds ${tree.size} points for a sample of ${sampler.size}`);
    }
  }

  /** Window slots whose values the forest still reads: its points' shingles and the start of the next one. */
  private neededSlots(): Uint8Array {
    const needed = new Uint8Array(this.ring.capacity);
    const d = this.options.shingleSize;
    const mark = (index: number): void => {
      for (let i = Math.max(0, index - d + 1); i <= index; i++) needed[this.ring.slotOf(i)] = 1;
    };
    for (const sampler of this.samplers) for (let p = 0; p < sampler.size; p++) mark(sampler.indexAt(p));
    for (const tree of this.trees) tree.forEachLeafPoint((slot) => mark(this.ring.indexOf(slot)));
    if (this.ring.count > 0) mark(this.ring.count - 1);
    return needed;
  }

  /** Drops stream index `index` from every tree that samples it (its first value is about to be overwritten). */
  private expire(index: number): void {
    if (index < this.options.shingleSize - 1) return;
    const slot = this.ring.slotOf(index);
    for (let i = 0; i < this.trees.length && this.holders[slot]! > 0; i++) {
      if (!this.samplers[i]!.remove(index)) continue;
      this.trees[i]!.delete(slot);
      this.holders[slot]!--;
    }
  }
}
