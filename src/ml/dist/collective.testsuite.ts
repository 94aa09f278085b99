import { beforeAll, describe, expect, it } from 'vitest';
import type { RankErrorData, RankOutcome } from './rank-runtime.js';
import type { CollectivePhase } from './collective.js';
import type { BatteryArgs, CaseReport, DeathArgs, DeathMode, HalfBatteryArgs, HalfBatteryReport, PhaseTraceReport, SurvivorReport } from './test-support.js';

/** Options a test passes to one run of ranks. */
export interface RingRunOptions {
  readonly timeoutMs?: number;
  /** Tiny segments (threads) or pieces (TCP): many segments per operation, every slot reused often. */
  readonly small?: boolean;
  /** How long a waiting rank polls before it sleeps; the transport's default unless given. */
  readonly spinMs?: number;
}

/** Starts ranks of one transport; every implementation of Collective runs this suite through one. */
export interface RingFactory {
  /** Runs export `script` of test-support.ts on `size` ranks with `args`; every rank's outcome, in rank order. */
  run<R>(size: number, script: string, args: unknown, options?: RingRunOptions): Promise<RankOutcome<R>[]>;
  /** Whether ranks share memory (a SharedArrayBuffer in args reaches every rank): the barrier and hang checks need it. */
  readonly sharedMemory: boolean;
}

const SIZES = [1, 2, 3, 4];
/** Long enough for a busy 2-core machine to start four threads and move a few 12 MB buffers; only failures take it. */
const RUN_TIMEOUT_MS = 180_000;
/** For the checks where a failure must be seen: detection, not this timeout, is what the test waits for. */
const DETECTION_TIMEOUT_MS = 60_000;
/** The hang check's collective timeout: the survivors fail only by it. */
const HANG_TIMEOUT_MS = 1_500;
/** Survivors of a departure poll far beyond the run's time limit: they must see it while polling, not after. */
const POLL_THROUGHOUT_MS = 3_600_000;

function unique(values: number[]): number[] {
  return [...new Set(values)];
}

function batteryArgs(size: number, small: boolean, sharedMemory: boolean): BatteryArgs {
  return small
    ? { allreduceLengths: unique([0, 1, Math.max(1, size - 1), 7, 1001, 20_000]), broadcastLengths: [0, 5, 3001], allgatherLengths: [0, 5, 3001], arrivals: null, rounds: 100 }
    : {
        // 0, 1, fewer than the ranks, not a multiple of the ranks (1001 = 7 · 11 · 13), and large enough to take many segments.
        allreduceLengths: unique([0, 1, Math.max(1, size - 1), 7, 1001, 3_000_001]),
        broadcastLengths: [0, 5, 300_001],
        allgatherLengths: [0, 1, 5, 100_003],
        arrivals: sharedMemory ? new SharedArrayBuffer(4 * 4) : null,
        rounds: 60,
      };
}

function failed(reports: readonly CaseReport[], prefix: string): CaseReport[] {
  const matching = reports.filter((report) => report.name.startsWith(prefix));
  if (matching.length === 0) return [{ name: `no check named ${prefix}...`, mismatches: 1 }];
  return matching.filter((report) => report.mismatches !== 0);
}

function reportsOf(outcomes: readonly RankOutcome<CaseReport[]>[]): CaseReport[][] {
  return outcomes.map((outcome, rank) => {
    if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.name}: ${outcome.error.message}`);
    return outcome.value;
  });
}

const PHASE_ORDER: readonly CollectivePhase[] = ['copy-in', 'negotiate', 'reduce-scatter', 'all-gather', 'copy-out'];

function isCollectiveError(value: RankErrorData | 'resolved'): value is RankErrorData {
  return value !== 'resolved' && value.name === 'CollectiveError';
}

export function collectiveTestSuite(transport: string, factory: RingFactory): void {
  describe(`Collective over ${transport}`, () => {
    for (const size of SIZES) {
      for (const small of size === 1 ? [false] : [false, true]) {
        describe(`${size} rank${size === 1 ? '' : 's'}${small ? ', tiny segments' : ''}`, () => {
          let ranks: CaseReport[][] = [];
          beforeAll(async () => {
            ranks = reportsOf(await factory.run<CaseReport[]>(size, 'correctnessBattery', batteryArgs(size, small, factory.sharedMemory), { small }));
          }, RUN_TIMEOUT_MS);

          const category = (title: string, prefix: string): void => {
            it(title, () => {
              expect(ranks).toHaveLength(size);
              ranks.forEach((reports, rank) => expect({ rank, failed: failed(reports, prefix) }).toEqual({ rank, failed: [] }));
            });
          };
          category('allreduce sum and mean equal the exact element-wise sum, for every length', 'allreduce sum');
          category('allreduce mean is the sum divided by the ranks', 'allreduce mean');
          category('allreduce fuses several buffers (and none) in one call', 'allreduce of several buffers');
          category('broadcast copies the root buffers, from every root', 'broadcast');
          category('allgather returns every rank buffer in rank order', 'allgather');
          category('barrier returns only once every rank has entered', 'barrier');
          category('many consecutive operations of changing kinds and lengths stay exact', `${small ? 100 : 60} consecutive rounds`);
        });
      }
    }

    describe('float16 wire', () => {
      for (const size of SIZES) {
        for (const small of size === 1 ? [false] : [false, true]) {
          describe(`${size} rank${size === 1 ? '' : 's'}${small ? ', tiny segments' : ''}`, () => {
            let ranks: HalfBatteryReport[] = [];
            beforeAll(async () => {
              // 0, 1, fewer than the ranks, odd, and chunks of several pieces: a default TCP piece holds 128 Ki halves (600,001
              // over 4 ranks is 2 pieces a chunk; threads: 10 segments), a tiny one 128.
              const args: HalfBatteryArgs = { lengths: unique([0, 1, Math.max(1, size - 1), 7, 1001, small ? 20_000 : 600_001]) };
              const outcomes = await factory.run<HalfBatteryReport>(size, 'halfBattery', args, { small });
              ranks = outcomes.map((outcome, rank) => {
                if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.name}: ${outcome.error.message}`);
                return outcome.value;
              });
            }, RUN_TIMEOUT_MS);

            const category = (title: string, prefix: string): void => {
              it(title, () => {
                expect(ranks).toHaveLength(size);
                ranks.forEach((report, rank) => expect({ rank, failed: failed(report.checks, prefix) }).toEqual({ rank, failed: [] }));
              });
            };
            category('small integers (every partial sum exact in half precision) come out exact: the sum, or the float32 mean rounded to half', 'fp16 integers');
            category('fractional values over 30 binades, sum and mean, are half values within ranks × (2^-11 of the sum of magnitudes + 2^-25) of the exact result', 'fp16 fractions');
            category('Infinity and NaN go through, overflow past 65504 becomes Infinity, and values that round to 0 on the way stay 0', 'fp16 allreduce of Infinity');
            category('several buffers (and empty ones) go in one call', 'fp16 allreduce of several buffers');
            category('a float32 buffer among half ones stays exact, the half ones are rounded', 'mixed wire');
            it('every rank ends with bit-identical results', () => {
              expect(ranks).toHaveLength(size);
              expect(ranks[0]!.digests.length).toBeGreaterThan(20);
              ranks.forEach((report, rank) => expect({ rank, digests: report.digests }).toEqual({ rank, digests: ranks[0]!.digests }));
            });
          });
        }
      }
    });

    describe('phase listener', () => {
      for (const size of [2, 3]) {
        it(`tells each allreduce's five phases once per call, in order and within the call, on ${size} ranks`, async () => {
          // Tiny segments or pieces: 7 elements take one, 5000 take many, whose phases must still come once per call.
          const lengths = [7, 5000];
          const outcomes = await factory.run<PhaseTraceReport>(size, 'phaseTrace', { lengths }, { small: true });
          expect(outcomes).toHaveLength(size);
          outcomes.forEach((outcome, rank) => {
            if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.name}: ${outcome.error.message}`);
            const { calls, stray, checks } = outcome.value;
            expect({ rank, failed: checks.filter((c) => c.mismatches !== 0), stray }).toEqual({ rank, failed: [], stray: 0 });
            expect(calls.map((call) => call.length)).toEqual(lengths);
            for (const call of calls) {
              const where = `rank ${rank}, allreduce of ${call.length}: ${JSON.stringify(call)}`;
              expect(call.spans.map((span) => span.phase), where).toEqual(PHASE_ORDER);
              call.spans.forEach((span, i) => {
                expect(span.startMs <= span.endMs, where).toBe(true);
                if (i > 0) expect(call.spans[i - 1]!.startMs <= span.startMs, where).toBe(true);
              });
              expect(call.beforeMs <= call.spans[0]!.startMs && call.spans.at(-1)!.endMs <= call.afterMs, where).toBe(true);
            }
          });
        }, RUN_TIMEOUT_MS);
      }
    });

    for (const size of SIZES.filter((s) => s >= 2)) {
      describe(`${size} ranks, one leaves`, () => {
        const modes: DeathMode[] = factory.sharedMemory ? ['close', 'exit', 'hang'] : ['close', 'exit'];
        for (const mode of modes) {
          const how = { close: 'closes its collective', exit: 'exits', hang: 'stops taking part (the timeout)' }[mode];
          it(`the others, polling, reject with CollectiveError when a rank ${how}, and so do later operations`, async () => {
            const victim = size - 1;
            const args: DeathArgs = { victim, mode, failed: factory.sharedMemory ? new SharedArrayBuffer(4) : null, length: 200_000 };
            const outcomes = await factory.run<SurvivorReport | 'victim'>(size, 'rankDies', args, { timeoutMs: mode === 'hang' ? HANG_TIMEOUT_MS : DETECTION_TIMEOUT_MS, spinMs: POLL_THROUGHOUT_MS });
            for (let rank = 0; rank < size; rank++) {
              const outcome = outcomes[rank]!;
              if (rank === victim) {
                if (mode === 'exit') expect(outcome.ok ? outcome.value : outcome.error.name).toBe('RankExited');
                else expect(outcome).toEqual({ ok: true, value: 'victim' });
                continue;
              }
              if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.message}`);
              const report = outcome.value as SurvivorReport;
              expect(isCollectiveError(report.first), `rank ${rank}'s first operation: ${JSON.stringify(report.first)}`).toBe(true);
              expect(isCollectiveError(report.later), `rank ${rank}'s later operation: ${JSON.stringify(report.later)}`).toBe(true);
              if (mode !== 'hang') expect((report.first as RankErrorData).lostRank, `rank ${rank}: ${JSON.stringify(report.first)}`).toBe(victim);
            }
          }, RUN_TIMEOUT_MS);
        }

        it('every rank fails when the ranks call operations of different lengths', async () => {
          const outcomes = await factory.run<SurvivorReport>(size, 'mismatchedLengths', null, { timeoutMs: DETECTION_TIMEOUT_MS });
          outcomes.forEach((outcome, rank) => {
            if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.message}`);
            const { first, later } = outcome.value;
            expect(isCollectiveError(later), `rank ${rank}: first ${JSON.stringify(first)}, later ${JSON.stringify(later)}`).toBe(true);
            if (first !== 'resolved') expect(first.name).toBe('CollectiveError');
          });
          expect(outcomes.some((outcome) => outcome.ok && outcome.value.first !== 'resolved')).toBe(true);
        }, RUN_TIMEOUT_MS);
      });
    }
  });
}
