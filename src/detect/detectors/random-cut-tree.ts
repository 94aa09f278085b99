import type { ByteReader, ByteWriter } from './byte-codec.js';
import { hashUniform } from './hash-uniform.js';

/** No node (Uint16 links; node references stay below 2 × capacity <= 0xfffe). */
const NONE = 0xffff;
export const MAX_TREE_CAPACITY = 0x7ffe;
/** Tag of a leaf in the encoded tree; internal nodes are tagged by their cut dimension (< 128). */
const LEAF_TAG = 0xff;

/**
 * One random cut tree (Guha et al., ICML 2016) over points that live in a shared coordinate array: a
 * point is an offset q and its coordinates are `coords[q .. q + dims)`. Nodes live in typed-array pools,
 * so inserting and deleting allocate nothing. A node reference below `capacity` is an internal node,
 * from `capacity` up a leaf. Internal nodes keep their cut, mass and bounding box; a leaf keeps the
 * offset of its point and a mass (identical points share one leaf).
 *
 * Randomness comes from `hashUniform(seed, streamIndex, level)`, so an insertion's draws depend only on
 * the point and the tree, never on a generator's history.
 */
export class RandomCutTree {
  private readonly left: Uint16Array;
  private readonly right: Uint16Array;
  private readonly parent: Uint16Array;
  private readonly mass: Uint16Array;
  private readonly cutDim: Uint8Array;
  private readonly cutValue: Float64Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly leafPoint: Uint32Array;
  private readonly leafParent: Uint16Array;
  private readonly leafMass: Uint16Array;
  private readonly freeInternal: Uint16Array;
  private readonly freeLeaves: Uint16Array;
  private freeInternalCount = 0;
  private freeLeafCount = 0;
  private root = NONE;

  constructor(
    /** Most points the tree holds (its sample size). */
    readonly capacity: number,
    readonly dims: number,
    private readonly coords: Float64Array,
    private readonly seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > MAX_TREE_CAPACITY) {
      throw new Error(`cannot create random cut tree: capacity must be an integer in [2, ${MAX_TREE_CAPACITY}], got ${capacity}`);
    }
    if (!Number.isInteger(dims) || dims < 1 || dims > 127) throw new Error(`cannot create random cut tree: dims must be an integer in [1, 127], got ${dims}`);
    this.left = new Uint16Array(capacity);
    this.right = new Uint16Array(capacity);
    this.parent = new Uint16Array(capacity);
    this.mass = new Uint16Array(capacity);
    this.cutDim = new Uint8Array(capacity);
    this.cutValue = new Float64Array(capacity);
    this.lo = new Float64Array(capacity * dims);
    this.hi = new Float64Array(capacity * dims);
    this.leafPoint = new Uint32Array(capacity);
    this.leafParent = new Uint16Array(capacity);
    this.leafMass = new Uint16Array(capacity);
    this.freeInternal = new Uint16Array(capacity);
    this.freeLeaves = new Uint16Array(capacity);
    this.clear();
  }

  get sizeBytes(): number {
    let total = 0;
    for (const a of [this.left, this.right, this.parent, this.mass, this.cutDim, this.cutValue, this.lo, this.hi, this.leafPoint, this.leafParent, this.leafMass, this.freeInternal, this.freeLeaves]) {
      total += a.byteLength;
    }
    return total;
  }

  /** Points held, counting duplicates. */
  get size(): number {
    return this.root === NONE ? 0 : this.massOf(this.root);
  }

  clear(): void {
    this.root = NONE;
    const n = this.capacity;
    for (let i = 0; i < n; i++) {
      // Popped from the end: allocation hands out 0, 1, 2, ... on a fresh tree.
      this.freeInternal[i] = n - 1 - i;
      this.freeLeaves[i] = n - 1 - i;
    }
    this.freeInternalCount = n;
    this.freeLeafCount = n;
  }

  /**
   * Expected isolation score of the point at `q` were it inserted (the point itself is not inserted).
   * Descending its path, at each node a random cut would separate it from the node's box with
   * probability extension / (span + extension); separated at depth k it would sit at depth k + 1 and
   * score 1 / (k + 1). Reaching a leaf that holds the same point it scores as seen, damped by that
   * leaf's share of the tree. The sum is scaled by log2(points + 1), about the depth of an ordinary
   * point, so about 1 is ordinary whatever the sample size, and a value far from all others nears
   * log2(points + 1). Repeated identical points never blow the score up, unlike displacement measures.
   */
  score(q: number): number {
    if (this.root === NONE) return 0;
    // Locals rather than fields: this loop is the detector's hot path.
    const { coords: c, lo, hi, left, right, cutDim, cutValue, dims: d, capacity: cap } = this;
    const treeMass = this.size;
    let node = this.root;
    let depth = 0;
    let notSeparated = 1;
    let total = 0;
    while (node < cap) {
      const base = node * d;
      let span = 0;
      let extension = 0;
      for (let j = 0; j < d; j++) {
        const v = c[q + j]!;
        const l = lo[base + j]!;
        const h = hi[base + j]!;
        span += h - l;
        if (v > h) extension += v - h;
        else if (v < l) extension += l - v;
      }
      if (extension > 0) {
        const separation = extension / (span + extension);
        total += (notSeparated * separation) / (depth + 1);
        notSeparated *= 1 - separation;
      }
      node = c[q + cutDim[node]!]! <= cutValue[node]! ? left[node]! : right[node]!;
      depth++;
    }
    const leaf = node - cap;
    if (this.samePoint(this.leafPoint[leaf]!, q)) {
      const m = this.leafMass[leaf]!;
      total += (notSeparated * (1 - m / (2 * treeMass))) / (depth + Math.log2(m + 1));
    } else {
      total += notSeparated / (depth + 1);
    }
    return total * Math.log2(treeMass + 1);
  }

  /** Inserts the point at `q`, which has stream index `streamIndex` (its random draws derive from it). */
  insert(q: number, streamIndex: number): void {
    if (this.root === NONE) {
      this.root = this.newLeaf(q, NONE);
      return;
    }
    const c = this.coords;
    const d = this.dims;
    const cap = this.capacity;
    let node = this.root;
    for (let level = 0; ; level++) {
      if (node >= cap) {
        const leaf = node - cap;
        const point = this.leafPoint[leaf]!;
        if (this.samePoint(point, q)) {
          this.leafMass[leaf]!++;
          // The newest duplicate names the leaf: it stays in the value window longest.
          this.leafPoint[leaf] = q;
          return;
        }
        this.splitLeaf(leaf, q, streamIndex, level);
        return;
      }
      const base = node * d;
      let span = 0;
      let extension = 0;
      for (let j = 0; j < d; j++) {
        const v = c[q + j]!;
        const l = this.lo[base + j]!;
        const h = this.hi[base + j]!;
        span += h - l;
        if (v > h) extension += v - h;
        else if (v < l) extension += l - v;
      }
      if (extension > 0 && this.trySplit(node, q, streamIndex, level, span + extension)) return;
      // The cut fell inside the node's box: the point joins this subtree.
      this.mass[node]!++;
      for (let j = 0; j < d; j++) {
        const v = c[q + j]!;
        if (v < this.lo[base + j]!) this.lo[base + j] = v;
        if (v > this.hi[base + j]!) this.hi[base + j] = v;
      }
      node = c[q + this.cutDim[node]!]! <= this.cutValue[node]! ? this.left[node]! : this.right[node]!;
    }
  }

  /** Deletes one copy of the point at `q` (which must be held); false when no leaf holds it. */
  delete(q: number): boolean {
    if (this.root === NONE) return false;
    const c = this.coords;
    const cap = this.capacity;
    let node = this.root;
    while (node < cap) node = c[q + this.cutDim[node]!]! <= this.cutValue[node]! ? this.left[node]! : this.right[node]!;
    const leaf = node - cap;
    if (!this.samePoint(this.leafPoint[leaf]!, q)) return false;
    const parent = this.leafParent[leaf]!;
    if (this.leafMass[leaf]! > 1) {
      this.leafMass[leaf]!--;
      for (let p = parent; p !== NONE; p = this.parent[p]!) this.mass[p]!--;
      return true;
    }
    this.freeLeaves[this.freeLeafCount++] = leaf;
    if (parent === NONE) {
      this.root = NONE;
      return true;
    }
    const sibling = this.left[parent] === node ? this.right[parent]! : this.left[parent]!;
    const grandparent = this.parent[parent]!;
    this.setParent(sibling, grandparent);
    if (grandparent === NONE) this.root = sibling;
    else if (this.left[grandparent] === parent) this.left[grandparent] = sibling;
    else this.right[grandparent] = sibling;
    this.freeInternal[this.freeInternalCount++] = parent;
    for (let p = grandparent; p !== NONE; p = this.parent[p]!) {
      this.mass[p]!--;
      this.refitBox(p);
    }
    return true;
  }

  /** Preorder: an internal node is its cut dimension and value, a leaf its tag, point offset and mass. */
  encode(writer: ByteWriter, stack: Uint16Array): void {
    if (this.root === NONE) return;
    let top = 0;
    stack[top++] = this.root;
    while (top > 0) {
      const node = stack[--top]!;
      if (node >= this.capacity) {
        const leaf = node - this.capacity;
        writer.u8(LEAF_TAG);
        writer.varint(this.leafPoint[leaf]!);
        writer.varint(this.leafMass[leaf]!);
      } else {
        writer.u8(this.cutDim[node]!);
        writer.f64(this.cutValue[node]!);
        stack[top++] = this.right[node]!;
        stack[top++] = this.left[node]!;
      }
    }
  }

  /**
   * Rebuilds the tree from what `encode` wrote, recomputing masses and boxes; `maxPoint` bounds the point
   * offsets. Checks the shape and that every leaf is reached by descending with its own point.
   */
  decode(reader: ByteReader, maxPoint: number, stack: Uint16Array): void {
    this.clear();
    let top = 0;
    let internalCount = 0;
    let points = 0;
    while (!reader.done) {
      if (this.root !== NONE && top === 0) throw reader.error('holds nodes after a complete tree');
      const tag = reader.u8();
      let node: number;
      if (tag === LEAF_TAG) {
        const point = reader.varint();
        const mass = reader.varint();
        if (point > maxPoint) throw reader.error(`holds a point offset ${point} beyond ${maxPoint}`);
        if (mass < 1 || (points += mass) > this.capacity) throw reader.error(`holds more than ${this.capacity} points or a leaf of mass ${mass}`);
        if (this.freeLeafCount === 0) throw reader.error(`holds more than ${this.capacity} leaves`);
        node = this.newLeaf(point, NONE);
        this.leafMass[node - this.capacity] = mass;
      } else {
        if (tag >= this.dims) throw reader.error(`holds cut dimension ${tag}, expected < ${this.dims}`);
        const cut = reader.f64();
        if (!Number.isFinite(cut)) throw reader.error(`holds a cut that is not finite: ${cut}`);
        if (this.freeInternalCount === 0) throw reader.error(`holds more than ${this.capacity} internal nodes`);
        node = this.freeInternal[--this.freeInternalCount]!;
        internalCount++;
        this.cutDim[node] = tag;
        this.cutValue[node] = cut;
        this.left[node] = NONE;
        this.right[node] = NONE;
      }
      if (top === 0) {
        this.root = node;
        this.setParent(node, NONE);
      } else {
        const owner = stack[top - 1]!;
        this.setParent(node, owner);
        if (this.left[owner] === NONE) this.left[owner] = node;
        else {
          this.right[owner] = node;
          top--;
        }
      }
      if (node < this.capacity) stack[top++] = node;
    }
    if (top !== 0) throw reader.error('ends inside an incomplete tree');
    // Internal nodes were allocated 0, 1, 2, ... in preorder, so reverse order meets children first.
    for (let node = internalCount - 1; node >= 0; node--) {
      this.mass[node] = this.massOf(this.left[node]!) + this.massOf(this.right[node]!);
      this.refitBox(node);
    }
    // Leaves were allocated 0, 1, 2, ... too.
    for (let leaf = 0; leaf < this.capacity - this.freeLeafCount; leaf++) {
      if (this.findLeaf(this.leafPoint[leaf]!) !== leaf + this.capacity) throw reader.error('holds a leaf that its own point does not reach');
    }
  }

  /** Calls `visit` with the point offset of every leaf (not a hot path). */
  forEachLeafPoint(visit: (q: number) => void): void {
    if (this.root === NONE) return;
    const stack: number[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node >= this.capacity) visit(this.leafPoint[node - this.capacity]!);
      else stack.push(this.left[node]!, this.right[node]!);
    }
  }

  /** The leaf node reached by descending with the point at `q` (NONE on an empty tree). */
  findLeaf(q: number): number {
    if (this.root === NONE) return NONE;
    let node = this.root;
    while (node < this.capacity) node = this.coords[q + this.cutDim[node]!]! <= this.cutValue[node]! ? this.left[node]! : this.right[node]!;
    return node;
  }

  /** Mass of a leaf node reference (as returned by `findLeaf`). */
  leafMassOf(node: number): number {
    return this.leafMass[node - this.capacity]!;
  }

  /** Whether the leaf at `node` (from `findLeaf`) holds the same coordinates as the point at `q`. */
  leafHolds(node: number, q: number): boolean {
    return node !== NONE && this.samePoint(this.leafPoint[node - this.capacity]!, q);
  }

  /**
   * Draws a cut in the box of `node` grown to include the point at `q`; when it separates the point from
   * the box, the point becomes the node's sibling under a new internal node. False when the cut falls
   * inside the box (the point then descends).
   */
  private trySplit(node: number, q: number, streamIndex: number, level: number, mergedSpan: number): boolean {
    const c = this.coords;
    const d = this.dims;
    const base = node * d;
    let r = hashUniform(this.seed, streamIndex, level) * mergedSpan;
    for (let j = 0; j < d; j++) {
      const v = c[q + j]!;
      const l = this.lo[base + j]!;
      const h = this.hi[base + j]!;
      const low = v < l ? v : l;
      const width = (v > h ? v : h) - low;
      if (r >= width && j < d - 1) {
        r -= width;
        continue;
      }
      const cut = low + r;
      if (v < l && cut < l) this.splitAbove(node, q, j, cut, true);
      else if (v > h && cut >= h && cut < v) this.splitAbove(node, q, j, cut, false);
      else return false;
      return true;
    }
    return false;
  }

  /** A leaf holding another point: a cut between the two always separates them. */
  private splitLeaf(leaf: number, q: number, streamIndex: number, level: number): void {
    const c = this.coords;
    const d = this.dims;
    const point = this.leafPoint[leaf]!;
    let total = 0;
    for (let j = 0; j < d; j++) total += Math.abs(c[q + j]! - c[point + j]!);
    let r = hashUniform(this.seed, streamIndex, level) * total;
    let dim = -1;
    for (let j = 0; j < d; j++) {
      const width = Math.abs(c[q + j]! - c[point + j]!);
      if (width === 0) continue;
      dim = j;
      if (r < width) break;
      r -= width;
    }
    const v = c[q + dim]!;
    const w = c[point + dim]!;
    const low = v < w ? v : w;
    const high = v < w ? w : v;
    let cut = low + Math.min(r, high - low);
    // Rounding may land on the upper point, which would not separate.
    if (!(cut < high)) cut = low;
    this.splitAbove(leaf + this.capacity, q, dim, cut, v <= cut);
  }

  /** Puts a new internal node with cut (dim, cut) above `node`, its other child a new leaf for `q`. */
  private splitAbove(node: number, q: number, dim: number, cut: number, pointGoesLeft: boolean): void {
    const d = this.dims;
    const above = this.parentOf(node);
    const inner = this.freeInternal[--this.freeInternalCount]!;
    const leaf = this.newLeaf(q, inner);
    this.cutDim[inner] = dim;
    this.cutValue[inner] = cut;
    this.left[inner] = pointGoesLeft ? leaf : node;
    this.right[inner] = pointGoesLeft ? node : leaf;
    this.parent[inner] = above;
    this.mass[inner] = this.massOf(node) + 1;
    const base = inner * d;
    const c = this.coords;
    if (node >= this.capacity) {
      const point = this.leafPoint[node - this.capacity]!;
      for (let j = 0; j < d; j++) {
        const a = c[point + j]!;
        const v = c[q + j]!;
        this.lo[base + j] = a < v ? a : v;
        this.hi[base + j] = a > v ? a : v;
      }
    } else {
      const from = node * d;
      for (let j = 0; j < d; j++) {
        const v = c[q + j]!;
        const l = this.lo[from + j]!;
        const h = this.hi[from + j]!;
        this.lo[base + j] = v < l ? v : l;
        this.hi[base + j] = v > h ? v : h;
      }
    }
    this.setParent(node, inner);
    if (above === NONE) this.root = inner;
    else if (this.left[above] === node) this.left[above] = inner;
    else this.right[above] = inner;
  }

  private newLeaf(q: number, parent: number): number {
    const leaf = this.freeLeaves[--this.freeLeafCount]!;
    this.leafPoint[leaf] = q;
    this.leafParent[leaf] = parent;
    this.leafMass[leaf] = 1;
    return leaf + this.capacity;
  }

  /** Box of an internal node = union of its children's boxes (a leaf's box is its point). */
  private refitBox(node: number): void {
    const d = this.dims;
    const base = node * d;
    const a = this.left[node]!;
    const b = this.right[node]!;
    for (let j = 0; j < d; j++) {
      const al = this.boxLo(a, j);
      const bl = this.boxLo(b, j);
      const ah = this.boxHi(a, j);
      const bh = this.boxHi(b, j);
      this.lo[base + j] = al < bl ? al : bl;
      this.hi[base + j] = ah > bh ? ah : bh;
    }
  }

  private boxLo(node: number, j: number): number {
    return node >= this.capacity ? this.coords[this.leafPoint[node - this.capacity]! + j]! : this.lo[node * this.dims + j]!;
  }

  private boxHi(node: number, j: number): number {
    return node >= this.capacity ? this.coords[this.leafPoint[node - this.capacity]! + j]! : this.hi[node * this.dims + j]!;
  }

  private massOf(node: number): number {
    return node >= this.capacity ? this.leafMass[node - this.capacity]! : this.mass[node]!;
  }

  private parentOf(node: number): number {
    return node >= this.capacity ? this.leafParent[node - this.capacity]! : this.parent[node]!;
  }

  private setParent(node: number, parent: number): void {
    if (node >= this.capacity) this.leafParent[node - this.capacity] = parent;
    else this.parent[node] = parent;
  }

  private samePoint(a: number, b: number): boolean {
    if (a === b) return true;
    const c = this.coords;
    for (let j = 0; j < this.dims; j++) if (c[a + j] !== c[b + j]) return false;
    return true;
  }
}
