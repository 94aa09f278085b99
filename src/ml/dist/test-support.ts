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
