import type { KeyedPointsBuilder, RejectReason, Rejection } from '../../model/index.js';
import { isNanLiteral, parseDecimal } from '../graphite/decimal.js';
import type { SeriesKeyCache } from '../graphite/key-cache.js';
import { hashPathBytes } from '../graphite/key-cache.js';
import { graphitePathKey } from '../graphite/path-key.js';
import { quoteValue } from '../quote.js';
import type { NodeArena } from './arena.js';
import { NodeKind } from './arena.js';
import type { ScratchBytes } from './text.js';

/** Largest time a JavaScript Date can hold; later timestamps are rejected rather than stored as nonsense. */
const MAX_TIMESTAMP_MS = 8.64e15;
const EMPTY = Buffer.alloc(0);

/**
 * Turns the items of an unpickled list, `(path, (timestamp, value))` tuples, into points. A path is
 * looked up by its bytes in the listener's series key cache, so a known series costs no string; a
 * value may be an int, a float or a numeric string (carbon calls `float()` on it), a timestamp is Unix
 * seconds. An item that is not such a tuple is rejected on its own, named by frame and list index.
 */
export class PickleItemWriter {
  private frame: Buffer = EMPTY;
  private frameNumber = 0;
  private out: KeyedPointsBuilder | null = null;
  private rejections: Rejection[] = [];

  constructor(
    private readonly nodes: NodeArena,
    private readonly scratch: ScratchBytes,
    private readonly keys: SeriesKeyCache,
  ) {}

  begin(frame: Buffer, frameNumber: number, out: KeyedPointsBuilder, rejections: Rejection[]): void {
    this.frame = frame;
    this.frameNumber = frameNumber;
    this.out = out;
    this.rejections = rejections;
  }

  /** Lets go of the frame, so that it does not outlive its decoding. */
  end(): void {
    this.frame = EMPTY;
    this.out = null;
    this.rejections = [];
  }

  /** Writes item `index` of the list, node `item`, as a point, or rejects it. */
  write(index: number, item: number): void {
    const { kinds, starts, ends, children } = this.nodes;
    if (kinds[item] !== NodeKind.Tuple || ends[item]! - starts[item]! !== 2) {
      this.reject(index, 'malformed_line', `expected a (path, (timestamp, value)) tuple, got ${this.describe(item)}`);
      return;
    }
    const key = this.keyOf(index, children[starts[item]!]!);
    if (key === undefined) return;
    const datapoint = children[starts[item]! + 1]!;
    if (kinds[datapoint] !== NodeKind.Tuple || ends[datapoint]! - starts[datapoint]! !== 2) {
      this.reject(index, 'malformed_line', `expected (timestamp, value) for ${quoteValue(key)}, got ${this.describe(datapoint)}`);
      return;
    }
    const value = this.valueOf(index, key, children[starts[datapoint]! + 1]!);
    if (value === undefined) return;
    const timestampMs = this.timestampMsOf(index, key, children[starts[datapoint]!]!);
    if (timestampMs === undefined) return;
    this.out!.push(key, timestampMs, value);
  }

  /** A short description of a node for rejection messages: `None`, `int 5`, `str "a.b"`, `a tuple of 3`. */
  describe(node: number): string {
    const { kinds, numbers, starts, ends } = this.nodes;
    switch (kinds[node]) {
      case NodeKind.None:
        return 'None';
      case NodeKind.Bool:
        return numbers[node] === 1 ? 'True' : 'False';
      case NodeKind.Int:
        return `int ${numbers[node]}`;
      case NodeKind.Float:
        return `float ${numbers[node]}`;
      case NodeKind.FrameString:
      case NodeKind.ScratchString:
        return `str ${quoteValue(this.bytesOf(node).toString('utf8', starts[node], ends[node]))}`;
      case NodeKind.Tuple:
        return `a tuple of ${ends[node]! - starts[node]!}`;
      default:
        return 'a list';
    }
  }

  private keyOf(index: number, node: number): string | undefined {
    const kind = this.nodes.kinds[node];
    if (kind !== NodeKind.FrameString && kind !== NodeKind.ScratchString) {
      this.reject(index, 'bad_series', `the path must be a string, got ${this.describe(node)}`);
      return undefined;
    }
    const bytes = this.bytesOf(node);
    const start = this.nodes.starts[node]!;
    const end = this.nodes.ends[node]!;
    const hash = hashPathBytes(bytes, start, end);
    const cached = this.keys.get(bytes, start, end, hash);
    if (cached !== undefined) return cached;
    const named = graphitePathKey(bytes, start, end);
    if (!named.ok) {
      this.reject(index, 'bad_series', `series ${quoteValue(named.path)} is invalid: ${named.cause}`);
      return undefined;
    }
    this.keys.set(bytes, start, end, hash, named.key);
    return named.key;
  }

  private valueOf(index: number, key: string, node: number): number | undefined {
    const value = this.numberOf(node);
    if (Number.isFinite(value)) return value;
    const series = quoteValue(key);
    const kind = this.nodes.kinds[node];
    if (kind === NodeKind.FrameString || kind === NodeKind.ScratchString) {
      const text = this.describe(node);
      const bytes = this.bytesOf(node);
      if (isNanLiteral(bytes, this.nodes.starts[node]!, this.nodes.ends[node]!)) this.reject(index, 'nan_value', `value ${text} of ${series} is NaN`);
      else if (Number.isNaN(value)) this.reject(index, 'bad_value', `value ${text} of ${series} is not a decimal number`);
      else this.reject(index, 'bad_value', `value ${text} of ${series} is out of range`);
    } else if (kind === NodeKind.Float && Number.isNaN(value)) {
      this.reject(index, 'nan_value', `value of ${series} is NaN`);
    } else if (kind === NodeKind.Int || kind === NodeKind.Float) {
      this.reject(index, 'bad_value', `value ${this.describe(node)} of ${series} is out of range`);
    } else {
      this.reject(index, 'bad_value', `value of ${series} must be a number or a numeric string, got ${this.describe(node)}`);
    }
    return undefined;
  }

  private timestampMsOf(index: number, key: string, node: number): number | undefined {
    const seconds = this.numberOf(node);
    const timestampMs = Math.round(seconds * 1000);
    if (seconds >= 0 && timestampMs <= MAX_TIMESTAMP_MS) return timestampMs;
    this.reject(index, 'bad_timestamp', `timestamp ${this.describe(node)} of ${quoteValue(key)} must be Unix seconds`);
    return undefined;
  }

  /** The number a node holds or spells; NaN for a node that is neither a number nor a decimal string. */
  private numberOf(node: number): number {
    const { kinds, numbers, starts, ends } = this.nodes;
    switch (kinds[node]) {
      case NodeKind.Int:
      case NodeKind.Float:
      case NodeKind.Bool:
        return numbers[node]!;
      case NodeKind.FrameString:
      case NodeKind.ScratchString:
        return parseDecimal(this.bytesOf(node), starts[node]!, ends[node]!);
      default:
        return NaN;
    }
  }

  private bytesOf(node: number): Buffer {
    return this.nodes.kinds[node] === NodeKind.FrameString ? this.frame : this.scratch.bytes;
  }

  private reject(index: number, reason: RejectReason, cause: string): void {
    this.rejections.push({ line: this.frameNumber, reason, message: `frame ${this.frameNumber}, items[${index}]: ${cause}` });
  }
}
