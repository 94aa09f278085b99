/** What a node of an unpickled frame is. */
export const NodeKind = {
  None: 0,
  Bool: 1,
  Int: 2,
  Float: 3,
  /** A string whose bytes (UTF-8) lie in the frame itself. */
  FrameString: 4,
  /** A string decoded from protocol 0's escaped text into the scratch bytes. */
  ScratchString: 5,
  Tuple: 6,
  List: 7,
} as const;
export type NodeKind = (typeof NodeKind)[keyof typeof NodeKind];

const INITIAL_NODES = 1024;
/** Capacity kept from one frame to the next; an arena grown beyond it (a huge or hostile frame) is let go. */
const KEPT_NODES = 64 * 1024;

/**
 * The values of one frame, column by column: a node is an index into these typed arrays, so that
 * decoding a frame creates no object per value. Strings are byte ranges (of the frame or of the
 * scratch bytes), tuples are ranges of `children`. reset() empties it for the next frame and keeps
 * the capacity up to KEPT_NODES, so a steady stream of frames allocates nothing after warm-up.
 */
export class NodeArena {
  kinds = new Uint8Array(INITIAL_NODES);
  /** Value of Bool, Int and Float nodes. */
  numbers = new Float64Array(INITIAL_NODES);
  /** Byte range of a string, or range in `children` of a tuple's elements. */
  starts = new Int32Array(INITIAL_NODES);
  ends = new Int32Array(INITIAL_NODES);
  children = new Int32Array(INITIAL_NODES);
  size = 0;
  childCount = 0;

  reset(): void {
    this.size = 0;
    this.childCount = 0;
    if (this.kinds.length > KEPT_NODES) {
      this.kinds = new Uint8Array(INITIAL_NODES);
      this.numbers = new Float64Array(INITIAL_NODES);
      this.starts = new Int32Array(INITIAL_NODES);
      this.ends = new Int32Array(INITIAL_NODES);
    }
    if (this.children.length > KEPT_NODES) this.children = new Int32Array(INITIAL_NODES);
  }

  add(kind: NodeKind, value: number, start: number, end: number): number {
    if (this.size === this.kinds.length) this.growNodes();
    const node = this.size++;
    this.kinds[node] = kind;
    this.numbers[node] = value;
    this.starts[node] = start;
    this.ends[node] = end;
    return node;
  }

  /** A tuple of the nodes `stack[from, to)`. */
  addTuple(stack: Int32Array, from: number, to: number): number {
    const count = to - from;
    while (this.childCount + count > this.children.length) this.children = grown(this.children, this.children.length * 2);
    const start = this.childCount;
    // A loop, not set(subarray()): a view per tuple would be an object per item.
    for (let i = 0; i < count; i++) this.children[start + i] = stack[from + i]!;
    this.childCount += count;
    return this.add(NodeKind.Tuple, 0, start, start + count);
  }

  private growNodes(): void {
    const capacity = this.kinds.length * 2;
    this.kinds = grown(this.kinds, capacity);
    this.numbers = grown(this.numbers, capacity);
    this.starts = grown(this.starts, capacity);
    this.ends = grown(this.ends, capacity);
  }
}

type TypedArray = Uint8Array | Int32Array | Float64Array;

/** A copy of `array` with room for `capacity` elements. */
export function grown<T extends TypedArray>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}
