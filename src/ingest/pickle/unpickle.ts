import type { KeyedPointsBuilder, Rejection } from '../../model/index.js';
import { parseDecimal } from '../graphite/decimal.js';
import type { SeriesKeyCache } from '../graphite/key-cache.js';
import { grown, NodeArena, NodeKind } from './arena.js';
import { PickleItemWriter } from './items.js';
import { describeOpcode, HIGHEST_PROTOCOL, OP } from './opcodes.js';
import { decodeQuotedString, decodeRawUnicodeEscape, ScratchBytes } from './text.js';

const LF = 0x0a;
const UPPER_L = 0x4c;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const EMPTY = Buffer.alloc(0);
/** Protocol 0 writes float specials as Python's repr: `nan`, `inf`, `-inf`. */
const FLOAT_SPECIALS: Readonly<Record<string, number>> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };
/** Stack and memo slots kept from one frame to the next; beyond them (a huge or hostile frame) they are let go. */
const KEPT_SLOTS = 64 * 1024;
const ONLY_ITEMS = 'only a list of (path, (timestamp, value)) tuples is accepted';

/** Why a frame cannot be unpickled; the message names the opcode and its offset in the frame. */
class UnpickleError extends Error {}

/**
 * A safe unpickler for the one shape Graphite's pickle senders write: a list of
 * `(path, (timestamp, value))` tuples, in any of pickle protocols 0 to 5. It interprets only opcodes
 * that push plain data (None, booleans, integers, floats, strings, tuples, one list) or use the memo;
 * any opcode that imports, calls or builds an object (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ,
 * NEWOBJ, ...) or makes another container (dict, set) refuses the whole frame, so nothing a sender
 * writes is ever executed or constructed. Items go to the points builder as each APPEND or APPENDS
 * adds them to the list, through typed arrays and without an object per value.
 *
 * One decoder serves all connections of a listener: a frame is decoded synchronously, start to end.
 */
export class PickleFrameDecoder {
  private readonly nodes = new NodeArena();
  private readonly scratch = new ScratchBytes();
  private readonly items: PickleItemWriter;
  private stack = new Int32Array(256);
  private stackSize = 0;
  /** Stack heights at each open MARK. */
  private marks = new Int32Array(64);
  private markCount = 0;
  /** Memo index to node + 1; 0 where nothing is stored. */
  private memo = new Int32Array(256);
  private memoEntries = 0;
  private memoHighWater = 0;
  /** The first list of the frame: the one its items are appended to. */
  private root = -1;
  private itemCount = 0;
  private frame: Buffer = EMPTY;
  private frameStart = 0;
  private frameEnd = 0;
  private pos = 0;

  constructor(keyCache: SeriesKeyCache) {
    this.items = new PickleItemWriter(this.nodes, this.scratch, keyCache);
  }

  /**
   * Decodes the frame `buf[start, end)` (frame `frameNumber` of its connection, from 1) into `out`.
   * Items that are not a valid point are rejected one by one and the rest kept; a frame that cannot
   * be unpickled adds nothing but one `malformed_line` rejection, and decode returns false.
   */
  decode(buf: Buffer, start: number, end: number, frameNumber: number, out: KeyedPointsBuilder, rejections: Rejection[]): boolean {
    const pointsBefore = out.length;
    const rejectionsBefore = rejections.length;
    this.frame = buf;
    this.frameStart = start;
    this.frameEnd = end;
    this.pos = start;
    this.items.begin(buf, frameNumber, out, rejections);
    try {
      this.run();
      return true;
    } catch (err) {
      if (!(err instanceof UnpickleError)) throw err;
      // A frame is taken whole or not at all, as Python's unpickler would take it.
      out.length = pointsBefore;
      out.keys.length = pointsBefore;
      rejections.length = rejectionsBefore;
      rejections.push({ line: frameNumber, reason: 'malformed_line', message: `cannot unpickle frame ${frameNumber}: ${err.message}` });
      return false;
    } finally {
      this.reset();
    }
  }

  private reset(): void {
    this.nodes.reset();
    this.scratch.reset();
    this.memo.fill(0, 0, this.memoHighWater);
    if (this.memo.length > KEPT_SLOTS) this.memo = new Int32Array(256);
    if (this.stack.length > KEPT_SLOTS) this.stack = new Int32Array(256);
    this.memoEntries = 0;
    this.memoHighWater = 0;
    this.stackSize = 0;
    this.markCount = 0;
    this.root = -1;
    this.itemCount = 0;
    this.frame = EMPTY;
    this.items.end();
  }

  private run(): void {
    for (;;) {
      if (this.pos >= this.frameEnd) throw new UnpickleError(`the frame of ${this.frameEnd - this.frameStart} bytes ends without STOP`);
      const at = this.pos;
      const op = this.frame[this.pos++]!;
      // Literal case labels (named in comments, as in OP) let V8 dispatch through a jump table.
      switch (op) {
        case 0x2e: // STOP
          this.stop(at);
          return;
        case 0x80: { // PROTO
          const version = this.readUint(1, op, at);
          if (version > HIGHEST_PROTOCOL) throw new UnpickleError(`PROTO at offset ${this.offset(at)} announces protocol ${version}; at most ${HIGHEST_PROTOCOL} is supported`);
          break;
        }
        case 0x95: // FRAME
          // Protocol 4's FRAME only tells how much to read ahead; the whole frame is here already.
          this.readLength(8, op, at);
          break;
        case 0x28: // MARK
          if (this.markCount === this.marks.length) this.marks = grown(this.marks, this.marks.length * 2);
          this.marks[this.markCount++] = this.stackSize;
          break;
        case 0x4e: // NONE
          this.push(this.nodes.add(NodeKind.None, 0, 0, 0));
          break;
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
          this.push(this.nodes.add(NodeKind.Bool, op === OP.NEWTRUE ? 1 : 0, 0, 0));
          break;
        case 0x4a: // BININT
          this.pushInt(this.need(4, op, at).readInt32LE(this.pos - 4));
          break;
        case 0x4b: // BININT1
          this.pushInt(this.readUint(1, op, at));
          break;
        case 0x4d: // BININT2
          this.pushInt(this.readUint(2, op, at));
          break;
        case 0x8a: // LONG1
          this.pushInt(this.readLong(this.readUint(1, op, at), op, at));
          break;
        case 0x8b: { // LONG4
          const length = this.need(4, op, at).readInt32LE(this.pos - 4);
          if (length < 0) throw new UnpickleError(`LONG4 at offset ${this.offset(at)} has a negative length`);
          this.pushInt(this.readLong(length, op, at));
          break;
        }
        case 0x49: // INT
        case 0x4c: // LONG
          this.textInt(op, at);
          break;
        case 0x46: // FLOAT
          this.textFloat(at);
          break;
        case 0x47: // BINFLOAT
          this.push(this.nodes.add(NodeKind.Float, this.need(8, op, at).readDoubleBE(this.pos - 8), 0, 0));
          break;
        case 0x8c: // SHORT_BINUNICODE
        case 0x55: // SHORT_BINSTRING
        case 0x43: // SHORT_BINBYTES
          this.frameString(this.readUint(1, op, at), op, at);
          break;
        case 0x58: // BINUNICODE
        case 0x42: // BINBYTES
          this.frameString(this.readLength(4, op, at), op, at);
          break;
        case 0x54: { // BINSTRING
          const length = this.need(4, op, at).readInt32LE(this.pos - 4);
          if (length < 0) throw new UnpickleError(`BINSTRING at offset ${this.offset(at)} has a negative length`);
          this.frameString(length, op, at);
          break;
        }
        case 0x8d: // BINUNICODE8
        case 0x8e: // BINBYTES8
          this.frameString(this.readLength(8, op, at), op, at);
          break;
        case 0x53: // STRING
        case 0x56: // UNICODE
          this.textString(op, at);
          break;
        case 0x5d: // EMPTY_LIST
          this.push(this.newList());
          break;
        case 0x6c: { // LIST
          const mark = this.popMark(op, at);
          const list = this.newList();
          this.appendTo(list, mark, this.stackSize, at);
          this.stackSize = mark;
          this.push(list);
          break;
        }
        case 0x29: // EMPTY_TUPLE
          this.push(this.nodes.addTuple(this.stack, 0, 0));
          break;
        case 0x74: { // TUPLE
          const mark = this.popMark(op, at);
          const tuple = this.nodes.addTuple(this.stack, mark, this.stackSize);
          this.stackSize = mark;
          this.push(tuple);
          break;
        }
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: { // TUPLE3
          const count = op - OP.TUPLE1 + 1;
          this.requireStack(count, op, at);
          const tuple = this.nodes.addTuple(this.stack, this.stackSize - count, this.stackSize);
          this.stackSize -= count;
          this.push(tuple);
          break;
        }
        case 0x61: // APPEND
          this.requireStack(2, op, at);
          this.appendTo(this.stack[this.stackSize - 2]!, this.stackSize - 1, this.stackSize, at);
          this.stackSize--;
          break;
        case 0x65: { // APPENDS
          const mark = this.popMark(op, at);
          if (mark <= this.stackFloor()) throw new UnpickleError(`APPENDS at offset ${this.offset(at)} has no list before its MARK`);
          this.appendTo(this.stack[mark - 1]!, mark, this.stackSize, at);
          this.stackSize = mark;
          break;
        }
        case 0x70: // PUT
          this.memoPut(this.textIndex(op, at), at);
          break;
        case 0x71: // BINPUT
          this.memoPut(this.readUint(1, op, at), at);
          break;
        case 0x72: // LONG_BINPUT
          this.memoPut(this.readLength(4, op, at), at);
          break;
        case 0x94: // MEMOIZE
          this.memoPut(this.memoEntries, at);
          break;
        case 0x67: // GET
          this.memoGet(this.textIndex(op, at), at);
          break;
        case 0x68: // BINGET
          this.memoGet(this.readUint(1, op, at), at);
          break;
        case 0x6a: // LONG_BINGET
          this.memoGet(this.readLength(4, op, at), at);
          break;
        default:
          throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} is refused: ${ONLY_ITEMS}`);
      }
    }
  }

  private stop(at: number): void {
    if (this.markCount > 0 || this.stackSize !== 1) {
      const open = this.markCount > 0 ? ' and an open MARK' : '';
      throw new UnpickleError(`STOP at offset ${this.offset(at)} leaves ${this.stackSize} values${open} on the stack; expected the list alone`);
    }
    const result = this.stack[0]!;
    if (result !== this.root) {
      const what = this.nodes.kinds[result] === NodeKind.List ? 'a list other than the first' : this.items.describe(result);
      throw new UnpickleError(`the frame holds ${what}; ${ONLY_ITEMS}`);
    }
    const trailing = this.frameEnd - this.pos;
    if (trailing > 0) throw new UnpickleError(`${trailing} bytes follow STOP at offset ${this.offset(at)}`);
  }

  private newList(): number {
    const list = this.nodes.add(NodeKind.List, 0, 0, 0);
    if (this.root < 0) this.root = list;
    return list;
  }

  /** Adds the items `stack[from, to)` to `list`, which must be the frame's first list. */
  private appendTo(list: number, from: number, to: number, at: number): void {
    if (from === to && this.nodes.kinds[list] === NodeKind.List) return;
    if (list !== this.root) {
      const what = this.nodes.kinds[list] === NodeKind.List ? 'a list other than the first' : this.items.describe(list);
      throw new UnpickleError(`${describeOpcode(this.frame[at]!)} at offset ${this.offset(at)} appends to ${what}; ${ONLY_ITEMS}`);
    }
    for (let i = from; i < to; i++) this.items.write(this.itemCount++, this.stack[i]!);
  }

  private push(node: number): void {
    if (this.stackSize === this.stack.length) this.stack = grown(this.stack, this.stack.length * 2);
    this.stack[this.stackSize++] = node;
  }

  private pushInt(value: number): void {
    this.push(this.nodes.add(NodeKind.Int, value, 0, 0));
  }

  /** Stack height at the innermost open MARK: values below it cannot be taken until the MARK is. */
  private stackFloor(): number {
    return this.markCount > 0 ? this.marks[this.markCount - 1]! : 0;
  }

  /** Checks that `count` values lie above the innermost MARK. */
  private requireStack(count: number, op: number, at: number): void {
    if (this.stackSize - this.stackFloor() < count) throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} needs ${count} values on the stack`);
  }

  private popMark(op: number, at: number): number {
    if (this.markCount === 0) throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} has no MARK before it`);
    return this.marks[--this.markCount]!;
  }

  private memoPut(index: number, at: number): void {
    this.requireStack(1, this.frame[at]!, at);
    // Python numbers memo entries from 0 or 1 upwards, one per PUT, so a frame of n bytes needs fewer than n.
    const limit = this.frameEnd - this.frameStart;
    if (index >= limit) throw new UnpickleError(`memo index ${index} at offset ${this.offset(at)} is beyond what a frame of ${limit} bytes can use`);
    while (index >= this.memo.length) this.memo = grown(this.memo, this.memo.length * 2);
    if (this.memo[index] === 0) this.memoEntries++;
    this.memo[index] = this.stack[this.stackSize - 1]! + 1;
    if (index >= this.memoHighWater) this.memoHighWater = index + 1;
  }

  private memoGet(index: number, at: number): void {
    const stored = index < this.memo.length ? this.memo[index]! : 0;
    if (stored === 0) throw new UnpickleError(`${describeOpcode(this.frame[at]!)} at offset ${this.offset(at)} reads memo index ${index}, which holds nothing`);
    this.push(stored - 1);
  }

  private frameString(length: number, op: number, at: number): void {
    this.need(length, op, at);
    this.push(this.nodes.add(NodeKind.FrameString, 0, this.pos - length, this.pos));
  }

  private textString(op: number, at: number): void {
    const end = this.readLine(op, at);
    const start = this.scratch.length;
    const decode = op === OP.STRING ? decodeQuotedString : decodeRawUnicodeEscape;
    const problem = decode(this.frame, at + 1, end, this.scratch);
    if (problem !== null) throw new UnpickleError(`${problem} (offset ${this.offset(at)})`);
    this.push(this.nodes.add(NodeKind.ScratchString, 0, start, this.scratch.length));
  }

  /** INT and LONG in protocol 0: decimal text, with `I00`/`I01` for False/True and LONG's trailing `L`. */
  private textInt(op: number, at: number): void {
    const start = at + 1;
    let end = this.readLine(op, at);
    if (op === OP.INT && end - start === 2 && this.frame[start] === DIGIT_0 && (this.frame[start + 1] === DIGIT_0 || this.frame[start + 1] === DIGIT_1)) {
      this.push(this.nodes.add(NodeKind.Bool, this.frame[start + 1] === DIGIT_1 ? 1 : 0, 0, 0));
      return;
    }
    if (op === OP.LONG && end > start && this.frame[end - 1] === UPPER_L) end--;
    const value = parseDecimal(this.frame, start, end);
    if (!Number.isInteger(value) || !this.isDigits(start, end)) {
      throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} has argument ${JSON.stringify(this.frame.toString('latin1', start, end))}, not an integer`);
    }
    this.pushInt(value);
  }

  private textFloat(at: number): void {
    const start = at + 1;
    const end = this.readLine(OP.FLOAT, at);
    let value = parseDecimal(this.frame, start, end);
    if (Number.isNaN(value)) {
      const text = this.frame.toString('latin1', start, end);
      const special = FLOAT_SPECIALS[text.toLowerCase()];
      if (special === undefined) throw new UnpickleError(`FLOAT at offset ${this.offset(at)} has argument ${JSON.stringify(text)}, not a number`);
      value = special;
    }
    this.push(this.nodes.add(NodeKind.Float, value, 0, 0));
  }

  /** PUT and GET in protocol 0: a decimal memo index. */
  private textIndex(op: number, at: number): number {
    const start = at + 1;
    const end = this.readLine(op, at);
    const index = parseDecimal(this.frame, start, end);
    if (!Number.isInteger(index) || index < 0 || !this.isDigits(start, end)) {
      throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} has argument ${JSON.stringify(this.frame.toString('latin1', start, end))}, not a memo index`);
    }
    return index;
  }

  /** Whether `frame[start, end)` is an optionally signed run of digits (no point, no exponent). */
  private isDigits(start: number, end: number): boolean {
    let i = start;
    if (i < end && (this.frame[i] === 0x2d || this.frame[i] === 0x2b)) i++;
    if (i === end) return false;
    for (; i < end; i++) {
      const digit = this.frame[i]! - DIGIT_0;
      if (digit < 0 || digit > 9) return false;
    }
    return true;
  }

  /** Skips past the newline ending a protocol 0 argument; returns where the argument ends. */
  private readLine(op: number, at: number): number {
    const newline = this.frame.indexOf(LF, this.pos);
    if (newline === -1 || newline >= this.frameEnd) throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} has no newline after its argument`);
    this.pos = newline + 1;
    return newline;
  }

  /** A little-endian unsigned integer of 1 or 2 bytes. */
  private readUint(bytes: 1 | 2, op: number, at: number): number {
    this.need(bytes, op, at);
    return bytes === 1 ? this.frame[this.pos - 1]! : this.frame.readUInt16LE(this.pos - 2);
  }

  /** An unsigned little-endian length or index of 4 or 8 bytes; one that cannot fit in the frame is refused. */
  private readLength(bytes: 4 | 8, op: number, at: number): number {
    this.need(bytes, op, at);
    const low = this.frame.readUInt32LE(this.pos - bytes);
    const high = bytes === 8 ? this.frame.readUInt32LE(this.pos - 4) : 0;
    const value = high * 2 ** 32 + low;
    if (value > this.frameEnd - this.frameStart) {
      throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} gives ${value}, more than the frame's ${this.frameEnd - this.frameStart} bytes`);
    }
    return value;
  }

  /** LONG1 and LONG4: a little-endian two's complement integer of `length` bytes, as a double. */
  private readLong(length: number, op: number, at: number): number {
    this.need(length, op, at);
    const start = this.pos - length;
    let value = 0;
    for (let i = this.pos - 1; i >= start; i--) value = value * 256 + this.frame[i]!;
    if (length > 0 && this.frame[this.pos - 1]! >= 0x80) value -= 2 ** (8 * length);
    return value;
  }

  /** Consumes `bytes` bytes of argument, which must lie within the frame. */
  private need(bytes: number, op: number, at: number): Buffer {
    if (this.frameEnd - this.pos < bytes) throw new UnpickleError(`${describeOpcode(op)} at offset ${this.offset(at)} runs past the end of the frame`);
    this.pos += bytes;
    return this.frame;
  }

  private offset(at: number): number {
    return at - this.frameStart;
  }
}
