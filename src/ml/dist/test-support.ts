import { wallClockMs } from '../../util/index.js';
import { errorData, type RankContext, type RankErrorData } from './rank-runtime.js';
import type { Collective, CollectivePhase, ReduceOp } from './collective.js';

/**
 * Rank scripts of the shared collective test suite (collective.testsuite.ts). They run inside the ranks (worker threads
 * or processes), check their own results against values every rank can compute, and return plain reports, so that no
 * large buffer crosses back to the test. Values are small integers: every sum is exact in float32, so results are
 * compared with ===.
 */

/** Rank `rank`'s element i of buffer `salt`: an integer in [-504, 504]. */
export function valueAt(rank: number, i: number, salt: number): number {
  return ((i * 7 + rank * 13 + salt * 5) % 1009) - 504;
}

export function filled(rank: number, length: number, salt: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = valueAt(rank, i, salt);
  return out;
}

/** A check's report: how many elements differ from the expected, and the first that does. */
export interface CaseReport {
  readonly name: string;
  readonly mismatches: number;
  readonly first?: string;
}

function compare(name: string, got: Float32Array, expected: (i: number) => number): CaseReport {
  let mismatches = 0;
  let first: string | undefined;
  for (let i = 0; i < got.length; i++) {
    const want = expected(i);
    if (got[i] !== want) {
      mismatches++;
      first ??= `element ${i}: got ${got[i]}, expected ${want}`;
    }
  }
  return first === undefined ? { name, mismatches } : { name, mismatches, first };
}

function expectedReduce(size: number, salt: number, op: ReduceOp): (i: number) => number {
  return (i) => {
    let sum = 0;
    for (let r = 0; r < size; r++) sum += valueAt(r, i, salt);
    return op === 'sum' ? sum : Math.fround(sum / size);
  };
}

export interface BatteryArgs {
  readonly allreduceLengths: readonly number[];
  readonly broadcastLengths: readonly number[];
  readonly allgatherLengths: readonly number[];
  /** Int32 arrivals per barrier generation, shared by every rank (threads only; null where ranks share no memory). */
  readonly arrivals: SharedArrayBuffer | null;
  readonly rounds: number;
}

/** Every correctness check of the suite, one after another on one group; one report per check. */
export async function correctnessBattery(c: Collective, args: BatteryArgs): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  const n = c.size;
  let salt = 0;
  for (const length of args.allreduceLengths) {
    for (const op of ['sum', 'mean'] as const) {
      salt++;
      const buffer = filled(c.rank, length, salt);
      await c.allreduce([buffer], op);
      reports.push(compare(`allreduce ${op} of ${length}`, buffer, expectedReduce(n, salt, op)));
    }
  }
  const multiLengths = [3, 0, 1000, 5, 70_001];
  const saltBase = ++salt * 100;
  const multi = multiLengths.map((length, j) => filled(c.rank, length, saltBase + j));
  await c.allreduce(multi, 'sum');
  multi.forEach((buffer, j) => reports.push(compare(`allreduce of several buffers: buffer ${j} (${multiLengths[j]})`, buffer, expectedReduce(n, saltBase + j, 'sum'))));
  await c.allreduce([], 'mean');
  reports.push({ name: 'allreduce of no buffers', mismatches: 0 });

  for (const length of args.broadcastLengths) {
    for (let root = 0; root < n; root++) {
      salt++;
      const buffer = filled(c.rank, length, salt);
      const second = filled(c.rank, 3, salt + 1);
      await c.broadcast([buffer, second], root);
      reports.push(compare(`broadcast of ${length} from root ${root}`, buffer, (i) => valueAt(root, i, salt)));
      reports.push(compare(`broadcast of ${length} from root ${root}, second buffer`, second, (i) => valueAt(root, i, salt + 1)));
    }
  }

  for (const length of args.allgatherLengths) {
    salt++;
    const mine = filled(c.rank, length, salt);
    const before = mine.slice();
    const all = await c.allgather(mine);
    reports.push({ name: `allgather of ${length}: one buffer per rank`, mismatches: all.length === n && all.every((b) => b.length === length) ? 0 : 1 });
    all.forEach((buffer, r) => reports.push(compare(`allgather of ${length}: rank ${r}'s buffer`, buffer, (i) => valueAt(r, i, salt))));
    reports.push(compare(`allgather of ${length}: own buffer unchanged`, mine, (i) => before[i]!));
  }

  if (args.arrivals !== null) {
    const arrivals = new Int32Array(args.arrivals);
    let early = 0;
    for (let generation = 0; generation < arrivals.length; generation++) {
      // One late rank per generation: with a barrier that does not wait, the others would count fewer arrivals.
      if (c.rank === generation % n) await new Promise((resolve) => setTimeout(resolve, 30));
      Atomics.add(arrivals, generation, 1);
      await c.barrier();
      if (Atomics.load(arrivals, generation) !== n) early++;
    }
    reports.push({ name: 'barrier waits for the late rank', mismatches: early });
  } else {
    await c.barrier();
    reports.push({ name: 'barrier', mismatches: 0 });
  }

  reports.push(await consecutive(c, args.rounds));
  return reports;
}

/** Many small operations back to back, of changing kinds and lengths: catches a slot or counter reused too early. */
async function consecutive(c: Collective, rounds: number): Promise<CaseReport> {
  const n = c.size;
  let mismatches = 0;
  let first: string | undefined;
  const note = (report: CaseReport, round: number): void => {
    mismatches += report.mismatches;
    if (report.first !== undefined) first ??= `round ${round}, ${report.name}: ${report.first}`;
  };
  for (let t = 0; t < rounds; t++) {
    const salt = 10_000 + t * 4;
    const a = filled(c.rank, (t * 37) % 300, salt);
    const b = filled(c.rank, t % 3, salt + 1);
    const op: ReduceOp = t % 2 === 0 ? 'sum' : 'mean';
    await c.allreduce([a, b], op);
    note(compare('allreduce', a, expectedReduce(n, salt, op)), t);
    note(compare('allreduce second buffer', b, expectedReduce(n, salt + 1, op)), t);
    const root = t % n;
    const d = filled(c.rank, (t * 53) % 200, salt + 2);
    await c.broadcast([d], root);
    note(compare('broadcast', d, (i) => valueAt(root, i, salt + 2)), t);
    const all = await c.allgather(filled(c.rank, t % 7, salt + 3));
    all.forEach((buffer, r) => note(compare('allgather', buffer, (i) => valueAt(r, i, salt + 3)), t));
    if (t % 5 === 0) await c.barrier();
  }
  return first === undefined ? { name: `${rounds} consecutive rounds`, mismatches } : { name: `${rounds} consecutive rounds`, mismatches, first };
}

/** How an operation ended on this rank: resolved, or the error it failed with as plain data. */
async function outcome(run: () => Promise<unknown>): Promise<RankErrorData | 'resolved'> {
  try {
    await run();
    return 'resolved';
  } catch (error) {
    return errorData(error);
  }
}

export type DeathMode = 'close' | 'exit' | 'hang';

export interface DeathArgs {
  readonly victim: number;
  readonly mode: DeathMode;
  /** Int32[1]: survivors that have failed; the hanging victim waits for all of them (threads transport only). */
  readonly failed: SharedArrayBuffer | null;
  readonly length: number;
}

export interface SurvivorReport {
  readonly first: RankErrorData | 'resolved';
  readonly later: RankErrorData | 'resolved';
}

/**
 * One rank leaves after a first barrier: it closes its collective, its thread or process exits, or it never joins the
 * next operation (and stays alive until the others gave up). The survivors run an allreduce and then a barrier.
 */
export async function rankDies(c: Collective, args: DeathArgs, context: RankContext): Promise<SurvivorReport | 'victim'> {
  await c.barrier();
  if (c.rank === args.victim) {
    if (args.mode === 'exit') process.exit(7);
    if (args.mode === 'close') await c.close();
    if (args.mode === 'hang' && args.failed !== null) {
      const failed = new Int32Array(args.failed);
      while (Atomics.load(failed, 0) < context.size - 1) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return 'victim';
  }
  const first = await outcome(() => c.allreduce([filled(c.rank, args.length, 1)]));
  const later = await outcome(() => c.barrier());
  if (args.failed !== null) Atomics.add(new Int32Array(args.failed), 0, 1);
  return { first, later };
}

/** Rank 0 allreduces one element fewer than the others: every rank must fail, at the latest on the next operation. */
export async function mismatchedLengths(c: Collective): Promise<SurvivorReport> {
  const first = await outcome(() => c.allreduce([filled(c.rank, c.rank === 0 ? 1000 : 1001, 1)]));
  const later = await outcome(() => c.barrier());
  return { first, later };
}

/** Small allreduce and broadcast checks, for transports whose ranks are processes. */
export async function quickChecks(c: Collective, args: { readonly length: number }): Promise<CaseReport[]> {
  const sum = filled(c.rank, args.length, 1);
  await c.allreduce([sum], 'sum');
  const mean = filled(c.rank, args.length, 2);
  await c.allreduce([mean], 'mean');
  const root = c.size - 1;
  const broadcast = filled(c.rank, args.length, 3);
  await c.broadcast([broadcast], root);
  const all = await c.allgather(filled(c.rank, 5, 4));
  await c.barrier();
  return [
    compare('allreduce sum', sum, expectedReduce(c.size, 1, 'sum')),
    compare('allreduce mean', mean, expectedReduce(c.size, 2, 'mean')),
    compare('broadcast', broadcast, (i) => valueAt(root, i, 3)),
    ...all.map((buffer, r) => compare(`allgather rank ${r}`, buffer, (i) => valueAt(r, i, 4))),
  ];
}

export interface PhaseSpan {
  readonly phase: CollectivePhase;
  readonly startMs: number;
  readonly endMs: number;
}

/** One traced allreduce: what the listener was told, and the wall clock just before the call and just after it. */
export interface TracedCall {
  readonly length: number;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly spans: readonly PhaseSpan[];
}

export interface PhaseTraceReport {
  readonly calls: readonly TracedCall[];
  /** Spans told during a broadcast, an allgather and a barrier with the listener set, and an allreduce after it was removed: none expected. */
  readonly stray: number;
  /** Results checked as in the battery: tracing must not change them. */
  readonly checks: readonly CaseReport[];
}

/** Allreduces of `lengths` (each fused with a second buffer) with a phase listener set, then operations that must report nothing. */
export async function phaseTrace(c: Collective, args: { readonly lengths: readonly number[] }): Promise<PhaseTraceReport> {
  let spans: PhaseSpan[] = [];
  c.setPhaseListener((phase, startMs, endMs) => spans.push({ phase, startMs, endMs }));
  const calls: TracedCall[] = [];
  const checks: CaseReport[] = [];
  let salt = 0;
  for (const length of args.lengths) {
    salt += 2;
    spans = [];
    const buffer = filled(c.rank, length, salt);
    const second = filled(c.rank, 3, salt + 1);
    const beforeMs = wallClockMs();
    await c.allreduce([buffer, second], 'sum');
    const afterMs = wallClockMs();
    calls.push({ length, beforeMs, afterMs, spans });
    checks.push(compare(`traced allreduce of ${length}`, buffer, expectedReduce(c.size, salt, 'sum')));
    checks.push(compare(`traced allreduce of ${length}, second buffer`, second, expectedReduce(c.size, salt + 1, 'sum')));
  }
  spans = [];
  await c.broadcast([filled(c.rank, 100, 1)], 0);
  await c.allgather(filled(c.rank, 100, 1));
  await c.barrier();
  c.setPhaseListener(undefined);
  await c.allreduce([filled(c.rank, 100, 1)], 'sum');
  return { calls, stray: spans.length, checks };
}

// Half-precision wire (AllreduceOptions.wire = 'float16').

/** Rank `rank`'s element i of fractional buffer `salt`: magnitudes from about 2^-23 (subnormal in half) to 440, both signs. */
export function fractionalAt(rank: number, i: number, salt: number): number {
  return Math.fround(valueAt(rank, i, salt) * 0.0137 * 2 ** ((i % 23) - 16));
}

const HALF_EPSILON = 2 ** -11;
/** Half of the smallest subnormal half: the largest rounding error below the normal range. */
const HALF_SUBNORMAL_ERROR = 2 ** -25;

/**
 * The bound on |result − exact| of a half-wire allreduce. Along the ring a chunk's partial sum is rounded to half
 * precision n times (the first rank's values, then after each of the n − 1 adds, the owner's total last), each time by
 * at most 2^-11 of the partial sum's magnitude, or 2^-25 below the normal range; a partial sum is at most the sum of
 * the magnitudes (the float32 adds' 2^-24 roundings are within the slack factor). A mean divides the first n − 1
 * roundings' error by n and rounds the quotient once more.
 */
export function halfTolerance(size: number, sumOfMagnitudes: number, op: ReduceOp): number {
  const perRounding = HALF_EPSILON * sumOfMagnitudes * (1 + 2 ** -10) + HALF_SUBNORMAL_ERROR;
  return op === 'sum' ? size * perRounding : perRounding * (size - 1) / size + (HALF_EPSILON * sumOfMagnitudes * (1 + 2 ** -10)) / size + HALF_SUBNORMAL_ERROR;
}

/** FNV-1a over the float32 bits: equal digests on every rank mean (all but certainly) bit-identical results. */
export function digestOf(values: Float32Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  return `${values.length}:${(h >>> 0).toString(16)}`;
}

/** Whether float32 `x` is a half-precision value: no bits below half's 11 significant ones, in half's range. */
function isHalfValue(x: number): boolean {
  HALF_SCRATCH[0] = x;
  const bits = HALF_SCRATCH_BITS[0]!;
  const exponent = (bits >>> 23) & 0xff;
  if (exponent === 0xff) return true;
  if (exponent >= 113) return exponent <= 142 && (bits & 0x1fff) === 0;
  return Number.isInteger(Math.abs(x) * 2 ** 24);
}

const HALF_SCRATCH = new Float32Array(1);
const HALF_SCRATCH_BITS = new Uint32Array(HALF_SCRATCH.buffer);
/** Half rounding, written out independently of half.ts (the transports use the kernel; this checks both). */
function halfRoundOf(x: number): number {
  HALF_SCRATCH[0] = x;
  const bits = HALF_SCRATCH_BITS[0]!;
  const magnitude = Math.abs(HALF_SCRATCH[0]!);
  if (!Number.isFinite(magnitude)) return HALF_SCRATCH[0]!;
  if (magnitude >= 65520) return bits >>> 31 ? -Infinity : Infinity;
  // The spacing of half values around `magnitude`: 2^(e - 10) for normal halves, 2^-24 below.
  let exponent = magnitude < 2 ** -14 ? -14 : Math.floor(Math.log2(magnitude));
  if (exponent > -14 && 2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  const spacing = 2 ** (exponent - 10);
  const scaled = magnitude / spacing;
  let rounded = Math.floor(scaled);
  const rest = scaled - rounded;
  if (rest > 0.5 || (rest === 0.5 && rounded % 2 === 1)) rounded++;
  const value = rounded * spacing;
  return bits >>> 31 ? -value : value;
}

export interface HalfBatteryArgs {
  readonly lengths: readonly number[];
}

/** The half-wire checks on one rank: reports, and one digest per result so that the test sees every rank agrees. */
export interface HalfBatteryReport {
  readonly checks: readonly CaseReport[];
  readonly digests: readonly string[];
}

/**
 * Half-wire allreduces, each result checked on every rank:
 * - small integers (|value| ≤ 504, so every partial sum of up to 4 ranks is exact in half precision): exactly the sum,
 *   or the float32 mean rounded to half;
 * - fractional values over many magnitudes: within halfTolerance of the exact sum, and every value a half value;
 * - Infinity, NaN and overflow; several buffers in one call; a float32 buffer beside half ones, which stays exact.
 */
export async function halfBattery(c: Collective, args: HalfBatteryArgs): Promise<HalfBatteryReport> {
  const n = c.size;
  const checks: CaseReport[] = [];
  const digests: string[] = [];
  let salt = 500;
  for (const length of args.lengths) {
    for (const op of ['sum', 'mean'] as const) {
      salt++;
      const integers = filled(c.rank, length, salt);
      await c.allreduce([integers], op, { wire: 'float16' });
      checks.push(compare(`fp16 integers: ${op} of ${length}`, integers, (i) => {
        let sum = 0;
        for (let r = 0; r < n; r++) sum += valueAt(r, i, salt);
        return op === 'sum' ? sum : halfRoundOf(Math.fround(sum / n));
      }));
      digests.push(digestOf(integers));

      salt++;
      const fractions = new Float32Array(length);
      for (let i = 0; i < length; i++) fractions[i] = fractionalAt(c.rank, i, salt);
      await c.allreduce([fractions], op, { wire: 'float16' });
      let outside = 0;
      let notHalf = 0;
      let first: string | undefined;
      for (let i = 0; i < length; i++) {
        let sum = 0;
        let magnitudes = 0;
        for (let r = 0; r < n; r++) {
          const x = fractionalAt(r, i, salt);
          sum += x;
          magnitudes += Math.abs(x);
        }
        const exact = op === 'sum' ? sum : sum / n;
        const got = fractions[i]!;
        const tolerance = halfTolerance(n, magnitudes, op);
        if (!(Math.abs(got - exact) <= tolerance)) {
          outside++;
          first ??= `element ${i}: got ${got}, exact ${exact}, tolerance ${tolerance}`;
        }
        if (!isHalfValue(got)) {
          notHalf++;
          first ??= `element ${i}: ${got} is not a half-precision value`;
        }
      }
      const name = `fp16 fractions: ${op} of ${length}`;
      checks.push(first === undefined ? { name, mismatches: outside + notHalf } : { name, mismatches: outside + notHalf, first });
      digests.push(digestOf(fractions));
    }
  }

  // 0: NaN on rank 0; 1: +Infinity on every rank; 2: 40000 on every rank (above 65504 from two ranks on); 3: +Infinity
  // on rank 0 and −Infinity on the others (NaN from two ranks on); 4: 2^-26 on every rank (rounds to 0 on its own).
  const specials = Float32Array.of(c.rank === 0 ? NaN : 1, Infinity, 40_000, c.rank === 0 ? Infinity : -Infinity, 2 ** -26, 0, 0);
  await c.allreduce([specials], 'sum', { wire: 'float16' });
  const expectedSpecials = [NaN, Infinity, n === 1 ? 40_000 : Infinity, n === 1 ? Infinity : NaN, 0, 0, 0];
  checks.push(compareWithNaN('fp16 allreduce of Infinity, NaN and overflow', specials, (i) => expectedSpecials[i]!));
  digests.push(digestOf(specials));

  const multiLengths = [3, 0, 1000, 5, 70_001];
  const multi = multiLengths.map((length, j) => filled(c.rank, length, 900 + j));
  await c.allreduce(multi, 'sum', { wire: 'float16' });
  multi.forEach((buffer, j) => {
    checks.push(compare(`fp16 allreduce of several buffers: buffer ${j} (${multiLengths[j]})`, buffer, (i) => expectedReduce(n, 900 + j, 'sum')(i)));
    digests.push(digestOf(buffer));
  });

  // A float32 buffer between half ones, as training sends its loss: values exact in float32 but not in half.
  const mixedLengths = [1001, 1, 77];
  const mixedAt = (r: number, i: number, j: number): number => valueAt(r, i, 950 + j) + (r + 1) / 4096;
  const mixed = mixedLengths.map((length, j) => Float32Array.from({ length }, (_, i) => mixedAt(c.rank, i, j)));
  await c.allreduce(mixed, 'sum', { wire: ['float16', 'float32', 'float16'] });
  mixed.forEach((buffer, j) => {
    const sum = (i: number): number => Array.from({ length: n }, (_, r) => mixedAt(r, i, j)).reduce((a, b) => a + b, 0);
    if (j === 1) checks.push(compare('mixed wire: the float32 buffer is exact', buffer, sum));
    else {
      const magnitudes = (i: number): number => Array.from({ length: n }, (_, r) => Math.abs(mixedAt(r, i, j))).reduce((a, b) => a + b, 0);
      const ok = (i: number): boolean => isHalfValue(buffer[i]!) && Math.abs(buffer[i]! - sum(i)) <= halfTolerance(n, magnitudes(i), 'sum');
      checks.push(compare(`mixed wire: half buffer ${j} holds half values within tolerance`, buffer, (i) => (ok(i) ? buffer[i]! : NaN)));
    }
    digests.push(digestOf(buffer));
  });
  return { checks, digests };
}

function compareWithNaN(name: string, got: Float32Array, expected: (i: number) => number): CaseReport {
  const both = Float32Array.from(got, (value, i) => (Number.isNaN(value) && Number.isNaN(expected(i)) ? 0 : value));
  return compare(name, both, (i) => (Number.isNaN(expected(i)) ? 0 : expected(i)));
}

/** One half-wire allreduce of fractional values: its digest, so that transports can be compared bit for bit. */
export async function halfDigest(c: Collective, args: { readonly length: number; readonly op: ReduceOp }): Promise<string> {
  const values = new Float32Array(args.length);
  for (let i = 0; i < args.length; i++) values[i] = fractionalAt(c.rank, i, 77);
  await c.allreduce([values], args.op, { wire: 'float16' });
  return digestOf(values);
}

export interface WireBytesReport {
  readonly float32: { readonly sent: number; readonly received: number };
  readonly float16: { readonly sent: number; readonly received: number };
  readonly checks: readonly CaseReport[];
}

/** Bytes this rank sends and receives for an allreduce of `length` values, on a float32 and on a half wire. */
export async function wireBytes(c: Collective, args: { readonly length: number }): Promise<WireBytesReport> {
  const measure = async (wire: 'float32' | 'float16'): Promise<{ sent: number; received: number; values: Float32Array }> => {
    const values = filled(c.rank, args.length, 3);
    await c.barrier();
    const before = c.stats();
    await c.allreduce([values], 'sum', { wire });
    const after = c.stats();
    await c.barrier();
    return { sent: after.bytesSent - before.bytesSent, received: after.bytesReceived - before.bytesReceived, values };
  };
  const float32 = await measure('float32');
  const float16 = await measure('float16');
  const checks = [compare('float32', float32.values, expectedReduce(c.size, 3, 'sum')), compare('float16', float16.values, expectedReduce(c.size, 3, 'sum'))];
  return { float32: { sent: float32.sent, received: float32.received }, float16: { sent: float16.sent, received: float16.received }, checks };
}

/** Rank 0 allreduces in float32, the others in half floats: every rank must fail, at the latest on the next operation. */
export async function mismatchedWire(c: Collective): Promise<SurvivorReport> {
  const first = await outcome(() => c.allreduce([filled(c.rank, 1001, 1)], 'sum', { wire: c.rank === 0 ? 'float32' : 'float16' }));
  const later = await outcome(() => c.barrier());
  return { first, later };
}
