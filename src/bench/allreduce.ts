import { DEFAULT_TCP_PIECE_BYTES, DEFAULT_THREAD_SEGMENT_ELEMENTS, runProcessRanks, runThreadRanks, WIRE_FORMATS, type RankOutcome, type WireFormat } from '../ml/dist/index.js';
import { medianOf, siblingModuleUrl } from '../util/index.js';
import type { AllreduceRankArgs, AllreduceRankProgress, AllreduceRankTimings } from './allreduce-rank.js';

export const ALLREDUCE_TRANSPORTS = ['threads', 'tcp'] as const;
export type AllreduceTransport = (typeof ALLREDUCE_TRANSPORTS)[number];

export interface AllreduceBenchOptions {
  /** Ranks in the ring (2 or more): worker threads (threads) or child processes on loopback (tcp). */
  readonly workers: number;
  readonly transport: AllreduceTransport;
  /**
   * How values travel: float32, or IEEE half floats (the allreduce's float16 wire: half the bytes on TCP; threads round
   * as TCP would). Sizes and bandwidths count the float32 payload either way. Default 'float32'.
   */
  readonly wire?: WireFormat;
  /** Message sizes in bytes, multiples of 4. Default DEFAULT_ALLREDUCE_SIZES_BYTES. */
  readonly sizesBytes?: readonly number[];
  /** Timed iterations per size. Default: about 64 MiB moved per size, at least 5 and at most 50. */
  readonly iterations?: number;
  /** Untimed iterations per size after the checked one. Default: a fifth of the timed ones, at least 1. */
  readonly warmupIterations?: number;
  /** Bytes each rank copies to measure copy bandwidth. Default 64 MiB. */
  readonly copyBytes?: number;
  /** Progress lines; none by default. */
  readonly note?: (line: string) => void;
}

/** One message size: NCCL's figures (nccl-tests' PERFORMANCE.md) and their ratio to the copy bandwidth. */
export interface AllreduceBenchRow {
  readonly sizeBytes: number;
  readonly elements: number;
  readonly iterations: number;
  /** Median over the timed iterations of the slowest rank's time. */
  readonly medianSeconds: number;
  /** sizeBytes / medianSeconds: the float32 payload, also with a float16 wire (which moves half the bytes). */
  readonly algBytesPerSecond: number;
  /** algBytesPerSecond · 2(n − 1)/n: what each rank moves, comparable across ring sizes (NCCL's busbw). */
  readonly busBytesPerSecond: number;
  /** busBytesPerSecond / the copy bandwidth. */
  readonly ratioToCopy: number;
  /** Against the goal (threads, sizes ≥ goal.minSizeBytes); null where the goal does not apply. */
  readonly goal: 'pass' | 'fail' | null;
  /** The checked allreduce before the timed ones gave n(n + 1)/2 everywhere it looked. */
  readonly verified: boolean;
}

export interface AllreduceBenchResult {
  readonly suite: 'allreduce';
  readonly transport: AllreduceTransport;
  readonly workers: number;
  readonly op: 'sum';
  /** The values' format between ranks; sizes and bandwidths are of the float32 payload either way. */
  readonly wire: WireFormat;
  /** Threads: elements per shared segment slot; tcp: bytes per piece on the wire. */
  readonly segmentElements: number | null;
  readonly pieceBytes: number | null;
  /**
   * The machine's memory-copy bandwidth, measured in the same run by the same ranks: Float32Array.prototype.set of
   * `bytes` into another array, every rank at once (so they share the memory bus as the ring's ranks do), half of the
   * `repeats` before the sizes and half after, best of all; `bytesPerSecond` is bytes copied per second by one rank
   * (the slowest of that repeat). The best is the stricter yardstick on a machine whose load changes during the run.
   */
  readonly copy: { readonly bytes: number; readonly repeats: number; readonly bytesPerSecond: number };
  readonly goal: { readonly minRatio: number; readonly minSizeBytes: number; readonly appliesTo: AllreduceTransport; readonly met: boolean | null };
  readonly rows: readonly AllreduceBenchRow[];
}

/** 4 KiB to 256 MiB, powers of 4. */
export const DEFAULT_ALLREDUCE_SIZES_BYTES: readonly number[] = Array.from({ length: 9 }, (_, i) => 4096 * 4 ** i);
const DEFAULT_COPY_BYTES = 64 * 1024 * 1024;
/** Copies before the sizes and again after them. */
const COPY_REPEATS = 5;
/** The goal: threads busbw at least half the copy bandwidth from 4 MiB up. */
const GOAL_MIN_RATIO = 0.5;
const GOAL_MIN_SIZE_BYTES = 4 * 1024 * 1024;
/** Default timed iterations move about this much per size. */
const BYTES_PER_SIZE = 64 * 1024 * 1024;

/**
 * Times ring allreduce (sum of float32) over `workers` ranks for each message size, beside the copy bandwidth measured
 * by the same ranks. Threads ranks are worker threads sharing memory; tcp ranks are child `node` processes linked over
 * loopback TCP.
 */
export async function runAllreduceBench(options: AllreduceBenchOptions): Promise<AllreduceBenchResult> {
  const { workers, transport } = options;
  if (!Number.isInteger(workers) || workers < 2) throw new RangeError(`cannot run allreduce bench: workers must be an integer of 2 or more, got ${workers}`);
  if (!ALLREDUCE_TRANSPORTS.includes(transport)) throw new RangeError(`cannot run allreduce bench: transport must be one of ${ALLREDUCE_TRANSPORTS.join(', ')}, got ${JSON.stringify(transport)}`);
  const wire = options.wire ?? 'float32';
  if (!WIRE_FORMATS.includes(wire)) throw new RangeError(`cannot run allreduce bench: wire must be one of ${WIRE_FORMATS.join(', ')}, got ${JSON.stringify(wire)}`);
  const sizesBytes = options.sizesBytes ?? DEFAULT_ALLREDUCE_SIZES_BYTES;
  for (const size of sizesBytes) {
    if (!Number.isInteger(size) || size < 4 || size % 4 !== 0) throw new RangeError(`cannot run allreduce bench: sizes must be positive multiples of 4 bytes, got ${size}`);
  }
  const copyBytes = options.copyBytes ?? DEFAULT_COPY_BYTES;
  if (!Number.isInteger(copyBytes) || copyBytes < 4 || copyBytes % 4 !== 0) throw new RangeError(`cannot run allreduce bench: copyBytes must be a positive multiple of 4, got ${copyBytes}`);
  const iterations = sizesBytes.map((size) => options.iterations ?? Math.min(50, Math.max(5, Math.round(BYTES_PER_SIZE / size))));
  const warmupIterations = iterations.map((count) => options.warmupIterations ?? Math.max(1, Math.round(count / 5)));
  const args: AllreduceRankArgs = { sizesBytes, iterations, warmupIterations, copyBytes, copyRepeats: COPY_REPEATS, wire };
  const script = { moduleUrl: siblingModuleUrl('./allreduce-rank.js', import.meta.url).href, exportName: 'allreduceBenchRank' };
  const note = options.note;
  const onReport = (_rank: number, message: unknown): void => {
    const progress = message as AllreduceRankProgress;
    if (note === undefined) return;
    note(progress.stage === 'copy' ? `allreduce ${transport}: measuring copy bandwidth` : `allreduce ${transport}: ${formatBytes(progress.sizeBytes ?? 0)}`);
  };
  note?.(`allreduce ${transport}: starting ${workers} ${transport === 'threads' ? 'worker threads' : 'processes'}${wire === 'float16' ? ', fp16 on the wire' : ''}`);
  const outcomes: RankOutcome<AllreduceRankTimings>[] =
    transport === 'threads'
      ? await runThreadRanks<AllreduceRankArgs, AllreduceRankTimings>({ size: workers, transport: 'threads', script, args, onReport })
      : await runProcessRanks<AllreduceRankArgs, AllreduceRankTimings>({ size: workers, script, args, onReport });
  const timings = outcomes.map((outcome, rank) => {
    if (!outcome.ok) throw new Error(`cannot run allreduce bench: rank ${rank} failed: ${outcome.error.name}: ${outcome.error.message}`);
    return outcome.value;
  });
  return summarise(transport, workers, wire, copyBytes, timings);
}

/** Per repeat or iteration, the slowest rank's time: the operation is done when the last rank is. */
function slowest(perRank: readonly (readonly number[])[]): number[] {
  return perRank[0]!.map((_, i) => Math.max(...perRank.map((seconds) => seconds[i]!)));
}

function summarise(transport: AllreduceTransport, workers: number, wire: WireFormat, copyBytes: number, timings: readonly AllreduceRankTimings[]): AllreduceBenchResult {
  const copyBytesPerSecond = copyBytes / Math.min(...slowest(timings.map((t) => t.copySeconds)));
  const busFactor = (2 * (workers - 1)) / workers;
  const goalApplies = transport === 'threads';
  const rows: AllreduceBenchRow[] = timings[0]!.sizes.map((size, s) => {
    const perIteration = slowest(timings.map((t) => t.sizes[s]!.seconds));
    const medianSeconds = medianOf(Float64Array.from(perIteration), perIteration.length);
    const algBytesPerSecond = size.sizeBytes / medianSeconds;
    const busBytesPerSecond = algBytesPerSecond * busFactor;
    const ratioToCopy = busBytesPerSecond / copyBytesPerSecond;
    return {
      sizeBytes: size.sizeBytes,
      elements: size.sizeBytes / 4,
      iterations: size.seconds.length,
      medianSeconds,
      algBytesPerSecond,
      busBytesPerSecond,
      ratioToCopy,
      goal: goalApplies && size.sizeBytes >= GOAL_MIN_SIZE_BYTES ? (ratioToCopy >= GOAL_MIN_RATIO ? 'pass' : 'fail') : null,
      verified: timings.every((t) => t.sizes[s]!.verified),
    };
  });
  const judged = rows.filter((row) => row.goal !== null);
  return {
    suite: 'allreduce',
    transport,
    workers,
    op: 'sum',
    wire,
    segmentElements: transport === 'threads' ? DEFAULT_THREAD_SEGMENT_ELEMENTS : null,
    pieceBytes: transport === 'tcp' ? DEFAULT_TCP_PIECE_BYTES : null,
    copy: { bytes: copyBytes, repeats: timings[0]!.copySeconds.length, bytesPerSecond: copyBytesPerSecond },
    goal: { minRatio: GOAL_MIN_RATIO, minSizeBytes: GOAL_MIN_SIZE_BYTES, appliesTo: 'threads', met: judged.length === 0 ? null : judged.every((row) => row.goal === 'pass') },
    rows,
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(1)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(2)} ms`;
  return `${seconds.toFixed(2)} s`;
}

const gbPerSecond = (bytesPerSecond: number): string => `${(bytesPerSecond / 1e9).toFixed(2)} GB/s`;

/** The result as a table: one line per size, NCCL's columns (GB/s = 10⁹ bytes/s), then the ratio to copy and the goal. */
export function formatAllreduceResult(result: AllreduceBenchResult): string {
  const setting = result.transport === 'threads' ? `${formatBytes(result.segmentElements! * 4)} segments` : `${formatBytes(result.pieceBytes!)} pieces`;
  const goalLine =
    result.goal.met === null
      ? `goal: threads busbw ≥ ${result.goal.minRatio * 100}% of copy bandwidth for messages ≥ ${formatBytes(result.goal.minSizeBytes)} (not judged for ${result.transport})`
      : `goal: busbw ≥ ${result.goal.minRatio * 100}% of copy bandwidth for messages ≥ ${formatBytes(result.goal.minSizeBytes)}: ${result.goal.met ? 'PASS' : 'FAIL'}`;
  const header = ['size', 'iters', 'time', 'algbw', 'busbw', 'busbw/copy', 'goal', 'check'];
  const lines = result.rows.map((row) => [
    formatBytes(row.sizeBytes),
    String(row.iterations),
    formatSeconds(row.medianSeconds),
    gbPerSecond(row.algBytesPerSecond),
    gbPerSecond(row.busBytesPerSecond),
    `${(row.ratioToCopy * 100).toFixed(0)}%`,
    row.goal === null ? '-' : row.goal.toUpperCase(),
    row.verified ? 'ok' : 'WRONG',
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...lines.map((line) => line[c]!.length)));
  const render = (cells: readonly string[]): string => '  ' + cells.map((cell, c) => cell.padStart(widths[c]!)).join('  ');
  const wireNote =
    result.wire === 'float16'
      ? `, fp16 on the wire (IEEE half floats, 2 bytes per value${result.transport === 'threads' ? ': threads round as TCP would, nothing shrinks' : ''}; algbw and busbw count the float32 payload)`
      : '';
  return [
    `allreduce: ${result.transport}, ${result.workers} ranks in a ring, sum of float32${wireNote}, ${setting}; time is the median over iterations of the slowest rank`,
    `memory copy: ${gbPerSecond(result.copy.bytesPerSecond)} per rank (Float32Array.prototype.set of ${formatBytes(result.copy.bytes)}, ${result.workers} ranks at once, best of ${result.copy.repeats} before and after the sizes)`,
    `busbw = algbw · 2(n−1)/n (NCCL); ${goalLine}`,
    render(header),
    ...lines.map(render),
  ].join('\n');
}
