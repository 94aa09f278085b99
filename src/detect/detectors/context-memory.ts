import type { ByteReader, ByteWriter } from './byte-codec.js';
import { mix32 } from './hash-uniform.js';

const NONE = -1;
/** Free slots wanted at the start of a step; fewer triggers an eviction round. */
const RESERVE_SLOTS = 64;
/** Share of the contexts an eviction round frees at least (the least recently used). */
const EVICT_SHARE = 1 / 8;
/** Reliability counters are halved together past this, which keeps their ratio and their range. */
const COUNTER_LIMIT = 0x7fffffff;

export interface ContextMemoryOptions {
  /** Bits of a discretised value; each bit position gives one sensor fact (the bit set or clear). */
  readonly bits: number;
  /** Longest left part (in facts) of a context learned from an overlap. */
  readonly maxLeftFacts: number;
  /** Most active contexts fed back as facts of the next step. */
  readonly maxActiveContexts: number;
  /** Contexts held at most; the least recently used go first. */
  readonly maxContexts: number;
  /** Left parts (distinct fact sets) held at most. */
  readonly maxLefts: number;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The context memory of a contextual anomaly detector in the spirit of CAD OSE. A step's input is a set
 * of sensor facts (the bits of a discretised value). A context pairs a left part, a set of facts that
 * held one step earlier (sensor facts, and facts standing for the contexts then active), with a right
 * part, the sensor facts that followed. At each step the memory
 *
 * - judges the contexts whose left part held at the last step: a context whose right part holds now is
 *   active, and every judged context counts how much of its right part came (its reliability);
 * - learns the whole-step context (all facts of the last step → the current facts) and, when that one
 *   is new, the contexts made of the overlaps between partly held parts and the current facts;
 * - feeds the most often active contexts back as facts of the next step, so contexts can nest;
 * - predicts the next sensor facts from the most reliable contexts whose left part holds.
 *
 * The raw anomaly is (1 − share of judged contexts that are active + share of candidate contexts that
 * are new) / 2, and 0 when the current facts were all predicted.
 *
 * Everything lives in fixed typed-array pools; when they run low the least recently used contexts go. A
 * context's fact carries its slot's generation, so a dead context's fact never matches the slot's next
 * tenant: left parts that hold a dead fact can never hold again and age out with their contexts.
 */
export class ContextMemory {
  private readonly sensorFacts: number;
  private readonly width: number;
  private readonly maxLefts: number;
  private readonly maxContexts: number;
  /** A context's fact is its slot in the low `slotBits` bits and its slot's generation above. */
  private readonly slotBits: number;
  private readonly slotMask: number;
  private readonly generations: number;

  // Left parts: a sensor-fact mask plus a sorted list of context facts (at most `width`).
  private readonly leftSensor: Uint16Array;
  private readonly leftCount: Uint8Array;
  private readonly leftLength: Uint8Array;
  private readonly leftFacts: Uint32Array;
  private readonly leftFirst: Int32Array;
  /** 1 when the whole left part held at the last step; those left parts are listed in `held`. */
  private readonly leftHeld: Uint8Array;
  private readonly held: Int32Array;
  private heldCount = 0;
  private readonly leftLive: Uint8Array;
  private readonly freeLefts: Uint32Array;
  private freeLeftCount = 0;
  /** Live left slots by fact set: open addressing, linear probing, NONE empty. */
  private readonly table: Int32Array;

  // Contexts.
  private readonly ctxLeft: Uint32Array;
  private readonly ctxRight: Uint16Array;
  /** Right facts owed while the left part held, and those that came: the context's reliability. */
  private readonly ctxOwed: Uint32Array;
  private readonly ctxCame: Uint32Array;
  private readonly ctxActivations: Uint32Array;
  /** 1 once the context has been a whole-step context; only those spawn overlaps. */
  private readonly ctxWhole: Uint8Array;
  private readonly ctxNext: Int32Array;
  private readonly ctxGeneration: Uint32Array;
  private readonly ctxLastUsed: Uint32Array;
  private readonly ctxCreated: Uint32Array;
  /** Step in which the context was last counted as a candidate (each counts once a step). */
  private readonly ctxCounted: Uint32Array;
  /** Step whose facts include the context's fact. */
  private readonly ctxInGroup: Uint32Array;
  private readonly ctxLive: Uint8Array;
  private readonly freeContexts: Uint32Array;
  private freeContextCount = 0;

  // The facts of the last step, and what was predicted for this one.
  private groupSensor = 0;
  private readonly groupFacts: Uint32Array;
  private groupCount = 0;
  private hasGroup = false;
  private predicted = 0;
  private stepCount = 0;

  // Scratch, so a step allocates nothing.
  private readonly top: Int32Array;
  private topCount = 0;
  private readonly overlapFacts: Uint32Array;

  constructor(readonly options: ContextMemoryOptions) {
    const { bits, maxLeftFacts, maxActiveContexts, maxContexts, maxLefts } = options;
    if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new Error(`cannot create context memory: bits must be an integer in [1, 8], got ${bits}`);
    if (!Number.isInteger(maxActiveContexts) || maxActiveContexts < 1 || maxActiveContexts > 64) {
      throw new Error(`cannot create context memory: maxActiveContexts must be an integer in [1, 64], got ${maxActiveContexts}`);
    }
    if (!Number.isInteger(maxLeftFacts) || maxLeftFacts < 1) throw new Error(`cannot create context memory: maxLeftFacts must be a positive integer, got ${maxLeftFacts}`);
    for (const [name, value] of [['maxContexts', maxContexts], ['maxLefts', maxLefts]] as const) {
      if (!Number.isInteger(value) || value < 2 * RESERVE_SLOTS || value > 1 << 20) {
        throw new Error(`cannot create context memory: ${name} must be an integer in [${2 * RESERVE_SLOTS}, ${1 << 20}], got ${value}`);
      }
    }
    this.sensorFacts = 2 * bits;
    this.width = maxActiveContexts;
    this.maxLefts = maxLefts;
    this.maxContexts = maxContexts;
    this.slotBits = Math.ceil(Math.log2(maxContexts));
    this.slotMask = (1 << this.slotBits) - 1;
    this.generations = 2 ** (32 - this.slotBits);
    this.leftSensor = new Uint16Array(maxLefts);
    this.leftCount = new Uint8Array(maxLefts);
    this.leftLength = new Uint8Array(maxLefts);
    this.leftFacts = new Uint32Array(maxLefts * maxActiveContexts);
    this.leftFirst = new Int32Array(maxLefts);
    this.leftHeld = new Uint8Array(maxLefts);
    this.held = new Int32Array(maxLefts);
    this.leftLive = new Uint8Array(maxLefts);
    this.freeLefts = new Uint32Array(maxLefts);
    let tableSize = 1;
    while (tableSize < 2 * maxLefts) tableSize *= 2;
    this.table = new Int32Array(tableSize);
    this.ctxLeft = new Uint32Array(maxContexts);
    this.ctxRight = new Uint16Array(maxContexts);
    this.ctxOwed = new Uint32Array(maxContexts);
    this.ctxCame = new Uint32Array(maxContexts);
    this.ctxActivations = new Uint32Array(maxContexts);
    this.ctxWhole = new Uint8Array(maxContexts);
    this.ctxNext = new Int32Array(maxContexts);
    this.ctxGeneration = new Uint32Array(maxContexts);
    this.ctxLastUsed = new Uint32Array(maxContexts);
    this.ctxCreated = new Uint32Array(maxContexts);
    this.ctxCounted = new Uint32Array(maxContexts);
    this.ctxInGroup = new Uint32Array(maxContexts);
    this.ctxLive = new Uint8Array(maxContexts);
    this.freeContexts = new Uint32Array(maxContexts);
    this.groupFacts = new Uint32Array(maxActiveContexts);
    this.top = new Int32Array(maxActiveContexts);
    this.overlapFacts = new Uint32Array(maxActiveContexts);
    this.clear();
  }

  get sizeBytes(): number {
    let total = 0;
    for (const a of [
      this.leftSensor, this.leftCount, this.leftLength, this.leftFacts, this.leftFirst, this.leftHeld, this.held, this.leftLive, this.freeLefts, this.table,
      this.ctxLeft, this.ctxRight, this.ctxOwed, this.ctxCame, this.ctxActivations, this.ctxWhole, this.ctxNext, this.ctxGeneration,
      this.ctxLastUsed, this.ctxCreated, this.ctxCounted, this.ctxInGroup, this.ctxLive, this.freeContexts, this.groupFacts, this.top, this.overlapFacts,
    ]) {
      total += a.byteLength;
    }
    return total;
  }

  /** Contexts held. */
  get contexts(): number {
    return this.maxContexts - this.freeContextCount;
  }

  /** Left parts held. */
  get lefts(): number {
    return this.maxLefts - this.freeLeftCount;
  }

  clear(): void {
    this.leftLive.fill(0);
    this.leftHeld.fill(0);
    this.heldCount = 0;
    this.ctxLive.fill(0);
    this.ctxGeneration.fill(0);
    this.ctxCreated.fill(0);
    this.ctxCounted.fill(0);
    this.ctxInGroup.fill(0);
    this.table.fill(NONE);
    for (let i = 0; i < this.maxLefts; i++) this.freeLefts[i] = this.maxLefts - 1 - i;
    for (let i = 0; i < this.maxContexts; i++) this.freeContexts[i] = this.maxContexts - 1 - i;
    this.freeLeftCount = this.maxLefts;
    this.freeContextCount = this.maxContexts;
    this.groupSensor = 0;
    this.groupCount = 0;
    this.hasGroup = false;
    this.predicted = 0;
    this.stepCount = 0;
  }

  /** Takes the sensor facts of one step (a mask over 2 × bits facts) and returns the raw anomaly in [0, 1]. */
  step(sensor: number): number {
    const s = ++this.stepCount;
    this.ensureCapacity(s);
    const missed = (sensor & ~this.predicted) !== 0;

    // The whole-step context: all facts of the last step → the current facts.
    let isNew = false;
    let candidates = 0;
    let added = 0;
    if (this.hasGroup) {
      candidates = 1;
      const left = this.findLeft(this.groupSensor, this.groupFacts, this.groupCount);
      let whole = left === NONE ? NONE : this.findContext(left, sensor);
      if (whole === NONE) {
        isNew = true;
        added = 1;
        whole = this.learn(left, this.groupSensor, this.groupFacts, this.groupCount, sensor, s);
      }
      if (whole !== NONE) {
        this.ctxWhole[whole] = 1;
        this.ctxLastUsed[whole] = s;
        this.ctxCounted[whole] = s;
      }
    }

    // Judge the contexts whose left part held at the last step. A new whole-step context also learns
    // overlaps, from partly held left parts too; only then are all left parts visited.
    let judged = 0;
    let activeCount = 0;
    this.topCount = 0;
    const visits = isNew ? this.maxLefts : this.heldCount;
    for (let k = 0; k < visits; k++) {
      const l = isNew ? k : this.held[k]!;
      if (this.leftLive[l] === 0) continue;
      const held = this.leftHeld[l] === 1;
      const match = held ? this.leftLength[l]! : isNew ? this.heldBefore(l, s) : 0;
      if (match === 0) continue;
      const overlaps = isNew && match <= this.options.maxLeftFacts;
      for (let c = this.leftFirst[l]!; c !== NONE; c = this.ctxNext[c]!) {
        // Contexts learned during this step are judged from the next step on.
        if (this.ctxCreated[c] === s) continue;
        const right = this.ctxRight[c]!;
        const rightLength = popcount(right);
        const rightMatch = popcount(right & sensor);
        if (held) {
          judged++;
          this.ctxLastUsed[c] = s;
          this.count(c, rightLength, rightMatch);
          if (rightMatch === rightLength) {
            if (this.ctxActivations[c]! < 0xffffffff) this.ctxActivations[c]!++;
            activeCount++;
            this.offerActive(c);
            continue;
          }
        }
        if (!overlaps || rightMatch === 0 || this.ctxWhole[c] === 0) continue;
        // Learn what the part that held and the part that came have in common.
        const outcome = this.learnOverlap(l, right & sensor, s);
        candidates += outcome >> 1;
        added += outcome & 1;
      }
    }
    const activeShare = judged > 0 ? activeCount / judged : 0;
    const newShare = isNew ? added / candidates : 0;

    this.setGroup(sensor, s);
    this.crossAndPredict(sensor, s);
    return missed ? (1 - activeShare + newShare) / 2 : 0;
  }

  /** Writes the whole memory; `decode` on a memory with the same options restores it exactly. */
  encode(writer: ByteWriter): void {
    for (const value of this.shape()) writer.varint(value);
    writer.varint(this.stepCount);
    writer.varint(this.hasGroup ? 1 : 0);
    writer.varint(this.groupSensor);
    writer.varint(this.predicted);
    writer.varint(this.groupCount);
    for (let i = 0; i < this.groupCount; i++) writer.varint(this.groupFacts[i]!);
    writer.varint(this.freeLeftCount);
    for (let i = 0; i < this.freeLeftCount; i++) writer.varint(this.freeLefts[i]!);
    for (let l = 0; l < this.maxLefts; l++) {
      if (this.leftLive[l] === 0) continue;
      writer.varint(this.leftSensor[l]!);
      writer.varint(this.leftCount[l]!);
      for (let i = 0; i < this.leftCount[l]!; i++) writer.varint(this.leftFacts[l * this.width + i]!);
      writer.varint(this.leftFirst[l]! + 1);
      writer.varint(this.leftHeld[l]!);
    }
    writer.varint(this.freeContextCount);
    for (let i = 0; i < this.freeContextCount; i++) writer.varint(this.freeContexts[i]!);
    for (let c = 0; c < this.maxContexts; c++) {
      writer.varint(this.ctxGeneration[c]!);
      if (this.ctxLive[c] === 0) continue;
      writer.varint(this.ctxLeft[c]!);
      writer.varint(this.ctxRight[c]!);
      writer.varint(this.ctxOwed[c]!);
      writer.varint(this.ctxCame[c]!);
      writer.varint(this.ctxActivations[c]!);
      writer.varint(this.ctxWhole[c]!);
      writer.varint(this.ctxNext[c]! + 1);
      writer.varint(this.ctxLastUsed[c]!);
    }
  }

  /** Restores what `encode` wrote, checking every index and the links between the pools. */
  decode(reader: ByteReader): void {
    this.clear();
    const names = ['bits', 'maxActiveContexts', 'maxContexts', 'maxLefts'];
    this.shape().forEach((expected, i) => {
      const written = reader.varint();
      if (written !== expected) throw reader.error(`was written with ${names[i]} ${written}, expected ${expected}`);
    });
    const small = (max: number, what: string): number => {
      const value = reader.varint();
      if (value > max) throw reader.error(`holds ${what} ${value}, above ${max}`);
      return value;
    };
    const sensorMax = (1 << this.sensorFacts) - 1;
    this.stepCount = small(0xffffffff, 'step count');
    this.hasGroup = small(1, 'a group flag') === 1;
    this.groupSensor = small(sensorMax, 'a sensor mask');
    this.predicted = small(sensorMax, 'a sensor mask');
    this.groupCount = small(this.width, 'a group size');
    for (let i = 0; i < this.groupCount; i++) this.groupFacts[i] = small(0xffffffff, 'a fact');
    this.freeLeftCount = small(this.maxLefts, 'a free left count');
    this.leftLive.fill(1);
    for (let i = 0; i < this.freeLeftCount; i++) {
      const l = small(this.maxLefts - 1, 'a free left');
      if (this.leftLive[l] === 0) throw reader.error(`lists free left ${l} twice`);
      this.freeLefts[i] = l;
      this.leftLive[l] = 0;
    }
    for (let l = 0; l < this.maxLefts; l++) {
      if (this.leftLive[l] === 0) continue;
      this.leftSensor[l] = small(sensorMax, 'a sensor mask');
      const count = small(this.width, 'a left size');
      this.leftCount[l] = count;
      for (let i = 0; i < count; i++) this.leftFacts[l * this.width + i] = small(0xffffffff, 'a fact');
      this.leftLength[l] = popcount(this.leftSensor[l]!) + count;
      this.leftFirst[l] = small(this.maxContexts, 'a context link') - 1;
      this.leftHeld[l] = small(1, 'a held flag');
      if (this.leftHeld[l] === 1) this.held[this.heldCount++] = l;
      if (this.leftFirst[l] === NONE) throw reader.error(`holds left ${l} without contexts`);
      if (!this.insertIntoTable(l)) throw reader.error(`holds left ${l} twice`);
    }
    this.freeContextCount = small(this.maxContexts, 'a free context count');
    this.ctxLive.fill(1);
    for (let i = 0; i < this.freeContextCount; i++) {
      const c = small(this.maxContexts - 1, 'a free context');
      if (this.ctxLive[c] === 0) throw reader.error(`lists free context ${c} twice`);
      this.freeContexts[i] = c;
      this.ctxLive[c] = 0;
    }
    for (let c = 0; c < this.maxContexts; c++) {
      this.ctxGeneration[c] = small(this.generations - 1, 'a generation');
      if (this.ctxLive[c] === 0) continue;
      const left = small(this.maxLefts - 1, 'a left link');
      if (this.leftLive[left] === 0) throw reader.error(`links context ${c} to free left ${left}`);
      this.ctxLeft[c] = left;
      this.ctxRight[c] = small(sensorMax, 'a sensor mask');
      this.ctxOwed[c] = small(0xffffffff, 'a counter');
      this.ctxCame[c] = small(this.ctxOwed[c]!, 'a counter');
      this.ctxActivations[c] = small(0xffffffff, 'a counter');
      this.ctxWhole[c] = small(1, 'a flag');
      this.ctxNext[c] = small(this.maxContexts, 'a context link') - 1;
      this.ctxLastUsed[c] = small(this.stepCount, 'a step');
    }
    this.checkLinks(reader);
    for (let i = 0; i < this.groupCount; i++) {
      const slot = this.groupFacts[i]! & this.slotMask;
      if (this.ctxLive[slot] === 1 && this.factOf(slot) === this.groupFacts[i]) this.ctxInGroup[slot] = this.stepCount;
    }
  }

  /** The options an encoding depends on, in the order it writes them. */
  private shape(): number[] {
    return [this.sensorFacts / 2, this.width, this.maxContexts, this.maxLefts];
  }

  /** Every live context sits on exactly its own left part's list, and every list ends. */
  private checkLinks(reader: ByteReader): void {
    const seen = new Uint8Array(this.maxContexts);
    for (let l = 0; l < this.maxLefts; l++) {
      if (this.leftLive[l] === 0) continue;
      for (let c = this.leftFirst[l]!; c !== NONE; c = this.ctxNext[c]!) {
        if (this.ctxLive[c] === 0 || this.ctxLeft[c] !== l || seen[c] === 1) throw reader.error(`holds a broken context list at left ${l}`);
        seen[c] = 1;
      }
    }
    for (let c = 0; c < this.maxContexts; c++) {
      if (this.ctxLive[c] === 1 && seen[c] === 0) throw reader.error(`holds context ${c} on no left's list`);
    }
  }

  /** Counts a judged context's owed and received right facts, halving both when they grow large. */
  private count(c: number, rightLength: number, rightMatch: number): void {
    if (this.ctxOwed[c]! > COUNTER_LIMIT) {
      this.ctxOwed[c] = this.ctxOwed[c]! >>> 1;
      this.ctxCame[c] = this.ctxCame[c]! >>> 1;
    }
    this.ctxOwed[c]! += rightLength;
    this.ctxCame[c]! += rightMatch;
  }

  /**
   * Learns the context made of the facts of left `l` that held at the last step and the right facts
   * given. Returns 2 × (a candidate not yet counted this step) + (new): a context that could not be
   * stored counts as a new candidate.
   */
  private learnOverlap(l: number, right: number, s: number): number {
    const sensor = this.leftSensor[l]! & this.groupSensor;
    let count = 0;
    const base = l * this.width;
    for (let i = 0; i < this.leftCount[l]!; i++) {
      const fact = this.leftFacts[base + i]!;
      if (this.inGroup(fact, s - 1)) this.overlapFacts[count++] = fact;
    }
    const left = this.findLeft(sensor, this.overlapFacts, count);
    const found = left === NONE ? NONE : this.findContext(left, right);
    if (found === NONE) {
      this.learn(left, sensor, this.overlapFacts, count, right, s);
      return 3;
    }
    if (this.ctxCounted[found] === s) return 0;
    this.ctxCounted[found] = s;
    this.ctxLastUsed[found] = s;
    return 2;
  }

  /** Stores the context (left facts → right); NONE when the pools are full for this step. */
  private learn(left: number, sensor: number, facts: Uint32Array, count: number, right: number, s: number): number {
    if (this.freeContextCount === 0 || (left === NONE && this.freeLeftCount === 0)) return NONE;
    let l = left;
    if (l === NONE) {
      l = this.freeLefts[--this.freeLeftCount]!;
      this.leftLive[l] = 1;
      this.leftSensor[l] = sensor;
      this.leftCount[l] = count;
      this.leftLength[l] = popcount(sensor) + count;
      for (let i = 0; i < count; i++) this.leftFacts[l * this.width + i] = facts[i]!;
      this.leftFirst[l] = NONE;
      this.leftHeld[l] = 0;
      this.insertIntoTable(l);
    }
    const c = this.freeContexts[--this.freeContextCount]!;
    this.ctxLive[c] = 1;
    this.ctxLeft[c] = l;
    this.ctxRight[c] = right;
    this.ctxOwed[c] = 0;
    this.ctxCame[c] = 0;
    this.ctxActivations[c] = 0;
    this.ctxWhole[c] = 0;
    this.ctxLastUsed[c] = s;
    this.ctxCreated[c] = s;
    this.ctxCounted[c] = s;
    this.ctxNext[c] = this.leftFirst[l]!;
    this.leftFirst[l] = c;
    return c;
  }

  /** Keeps the `maxActiveContexts` most often active contexts of this step (ties: the lower slot). */
  private offerActive(c: number): void {
    let i = this.topCount;
    if (i === this.width) {
      if (this.ranksAbove(this.top[i - 1]!, c)) return;
      i--;
    } else {
      this.topCount++;
    }
    while (i > 0 && !this.ranksAbove(this.top[i - 1]!, c)) {
      this.top[i] = this.top[i - 1]!;
      i--;
    }
    this.top[i] = c;
  }

  /** Whether context `a` ranks above context `b`: more activations, or as many and a lower slot. */
  private ranksAbove(a: number, b: number): boolean {
    const activationsA = this.ctxActivations[a]!;
    const activationsB = this.ctxActivations[b]!;
    return activationsA > activationsB || (activationsA === activationsB && a < b);
  }

  /** The facts of this step become the group the next step's contexts start from. */
  private setGroup(sensor: number, s: number): void {
    this.groupSensor = sensor;
    this.groupCount = this.topCount;
    for (let i = 0; i < this.topCount; i++) {
      const c = this.top[i]!;
      this.ctxInGroup[c] = s;
      this.ctxLastUsed[c] = s;
      // Insertion sort: a left part's facts are kept sorted so equal sets compare equal.
      const fact = this.factOf(c);
      let j = i;
      while (j > 0 && this.groupFacts[j - 1]! > fact) {
        this.groupFacts[j] = this.groupFacts[j - 1]!;
        j--;
      }
      this.groupFacts[j] = fact;
    }
    this.hasGroup = true;
  }

  /** Finds the left parts that hold wholly in the new group and predicts from their most reliable contexts. */
  private crossAndPredict(sensor: number, s: number): void {
    let best = 0;
    let predicted = 0;
    this.heldCount = 0;
    for (let l = 0; l < this.maxLefts; l++) {
      this.leftHeld[l] = 0;
      if (this.leftLive[l] === 0 || (this.leftSensor[l]! & ~sensor) !== 0) continue;
      const base = l * this.width;
      const end = base + this.leftCount[l]!;
      let i = base;
      while (i < end && this.inGroup(this.leftFacts[i]!, s)) i++;
      if (i < end) continue;
      this.leftHeld[l] = 1;
      this.held[this.heldCount++] = l;
      for (let c = this.leftFirst[l]!; c !== NONE; c = this.ctxNext[c]!) {
        const owed = this.ctxOwed[c]!;
        const weight = owed > 0 ? this.ctxCame[c]! / owed : 0;
        if (weight > best) {
          best = weight;
          predicted = this.ctxRight[c]!;
        } else if (weight === best) {
          predicted |= this.ctxRight[c]!;
        }
      }
    }
    this.predicted = predicted;
  }

  /** Facts of left `l` that held at the last step (its sensor facts and its context facts then in the group). */
  private heldBefore(l: number, s: number): number {
    let match = popcount(this.leftSensor[l]! & this.groupSensor);
    const base = l * this.width;
    for (let i = 0; i < this.leftCount[l]!; i++) if (this.inGroup(this.leftFacts[base + i]!, s - 1)) match++;
    return match;
  }

  private factOf(c: number): number {
    return (c + this.ctxGeneration[c]! * (this.slotMask + 1)) >>> 0;
  }

  /** Whether a context fact was among the facts of step `s`. */
  private inGroup(fact: number, s: number): boolean {
    const c = fact & this.slotMask;
    return this.ctxLive[c] === 1 && this.ctxInGroup[c] === s && this.factOf(c) === fact;
  }

  private findContext(l: number, right: number): number {
    for (let c = this.leftFirst[l]!; c !== NONE; c = this.ctxNext[c]!) if (this.ctxRight[c] === right) return c;
    return NONE;
  }

  private hashOf(sensor: number, facts: Uint32Array, offset: number, count: number): number {
    let h = mix32(sensor ^ 0x9e3779b9);
    for (let i = 0; i < count; i++) h = mix32((h + facts[offset + i]!) >>> 0);
    return h & (this.table.length - 1);
  }

  private findLeft(sensor: number, facts: Uint32Array, count: number): number {
    const mask = this.table.length - 1;
    for (let i = this.hashOf(sensor, facts, 0, count); ; i = (i + 1) & mask) {
      const l = this.table[i]!;
      if (l === NONE) return NONE;
      if (this.leftSensor[l] !== sensor || this.leftCount[l] !== count) continue;
      const base = l * this.width;
      let same = true;
      for (let k = 0; k < count && same; k++) same = this.leftFacts[base + k] === facts[k];
      if (same) return l;
    }
  }

  /** False when an equal left part is already in the table. */
  private insertIntoTable(l: number): boolean {
    const mask = this.table.length - 1;
    const count = this.leftCount[l]!;
    const base = l * this.width;
    for (let i = this.hashOf(this.leftSensor[l]!, this.leftFacts, base, count); ; i = (i + 1) & mask) {
      const other = this.table[i]!;
      if (other === NONE) {
        this.table[i] = l;
        return true;
      }
      if (this.leftSensor[other] !== this.leftSensor[l] || this.leftCount[other] !== count) continue;
      let same = true;
      for (let k = 0; k < count && same; k++) same = this.leftFacts[other * this.width + k] === this.leftFacts[base + k];
      if (same) return false;
    }
  }

  /** Removes a left part from the table, shifting later entries of its probe run back (no tombstones). */
  private removeFromTable(l: number): void {
    const mask = this.table.length - 1;
    let i = this.hashOf(this.leftSensor[l]!, this.leftFacts, l * this.width, this.leftCount[l]!);
    while (this.table[i] !== l) i = (i + 1) & mask;
    let hole = i;
    for (let j = (hole + 1) & mask; this.table[j] !== NONE; j = (j + 1) & mask) {
      const other = this.table[j]!;
      const home = this.hashOf(this.leftSensor[other]!, this.leftFacts, other * this.width, this.leftCount[other]!);
      // Move `other` into the hole unless its home lies cyclically in (hole, j].
      const homeInRun = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (homeInRun) continue;
      this.table[hole] = other;
      hole = j;
    }
    this.table[hole] = NONE;
  }

  /**
   * Before a step, frees slots when either pool runs low: the least recently used contexts go (never one
   * used in the last step, whose facts the step reads), a left part with them once its last context
   * goes.
   */
  private ensureCapacity(s: number): void {
    while (this.freeContextCount < RESERVE_SLOTS || this.freeLeftCount < RESERVE_SLOTS) {
      const cutoff = this.evictionCutoff(s);
      if (cutoff < 0) return;
      for (let c = 0; c < this.maxContexts; c++) {
        if (this.ctxLive[c] === 1 && this.ctxLastUsed[c]! <= cutoff) this.evict(c);
      }
    }
  }

  /** The last-used step at or below which at least EVICT_SHARE of the contexts lie; -1 when none may go. */
  private evictionCutoff(s: number): number {
    const limit = s - 2;
    let low = Infinity;
    let evictable = 0;
    for (let c = 0; c < this.maxContexts; c++) {
      if (this.ctxLive[c] === 1 && this.ctxLastUsed[c]! <= limit) {
        evictable++;
        if (this.ctxLastUsed[c]! < low) low = this.ctxLastUsed[c]!;
      }
    }
    if (evictable === 0) return -1;
    const wanted = Math.min(evictable, Math.ceil(this.maxContexts * EVICT_SHARE));
    let high = limit;
    // Smallest cutoff in [low, limit] with at least `wanted` contexts at or below it.
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      let count = 0;
      for (let c = 0; c < this.maxContexts; c++) if (this.ctxLive[c] === 1 && this.ctxLastUsed[c]! <= middle) count++;
      if (count >= wanted) high = middle;
      else low = middle + 1;
    }
    return high;
  }

  private evict(c: number): void {
    const l = this.ctxLeft[c]!;
    if (this.leftFirst[l] === c) this.leftFirst[l] = this.ctxNext[c]!;
    else {
      let p = this.leftFirst[l]!;
      while (this.ctxNext[p] !== c) p = this.ctxNext[p]!;
      this.ctxNext[p] = this.ctxNext[c]!;
    }
    this.ctxLive[c] = 0;
    this.ctxGeneration[c] = (this.ctxGeneration[c]! + 1) % this.generations;
    this.freeContexts[this.freeContextCount++] = c;
    if (this.leftFirst[l] !== NONE) return;
    this.removeFromTable(l);
    this.leftLive[l] = 0;
    this.leftHeld[l] = 0;
    this.freeLefts[this.freeLeftCount++] = l;
  }
}
