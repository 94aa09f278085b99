import type { Collective, RankContext, WireFormat } from '../ml/dist/index.js';

/** What every rank of the allreduce benchmark runs (runAllreduceBench starts the ranks). */
export interface AllreduceRankArgs {
  /** Message sizes, in bytes (multiples of 4), in the order to run them. */
  readonly sizesBytes: readonly number[];
  /** Timed iterations per size, aligned with sizesBytes. */
  readonly iterations: readonly number[];
  /** Untimed iterations per size before the timed ones (after the one that checks the result). */
  readonly warmupIterations: readonly number[];
  /** Bytes each rank copies to measure copy bandwidth. */
  readonly copyBytes: number;
  /** Copies before the sizes, and again after them. */
  readonly copyRepeats: number;
  /** The allreduces' wire format. */
  readonly wire: WireFormat;
}

export interface AllreduceRankTimings {
  /** This rank's seconds per copy (every rank copies at the same time): copyRepeats before the sizes, then as many after. */
  readonly copySeconds: readonly number[];
  readonly sizes: readonly { readonly sizeBytes: number; readonly verified: boolean; readonly seconds: readonly number[] }[];
}

/** Progress a rank reports (rank 0 only). */
export interface AllreduceRankProgress {
  readonly stage: 'copy' | 'size';
  readonly sizeBytes?: number;
}

/**
 * Measures, on this rank: the copy bandwidth (Float32Array.prototype.set between two arrays of copyBytes, every rank at
 * once, after a barrier), then for each size a checked allreduce (every rank adds rank + 1, so every element must be
 * n(n + 1) / 2, exact on a float16 wire too), warm-up iterations, and timed ones each started by a barrier so that all
 * ranks start together; then the copy bandwidth again.
 */
export async function allreduceBenchRank(collective: Collective, args: AllreduceRankArgs, context: RankContext): Promise<AllreduceRankTimings> {
  const source = new Float32Array(args.copyBytes / 4).fill(1);
  const target = new Float32Array(args.copyBytes / 4).fill(0);
  const copySeconds: number[] = [];
  const measureCopy = async (): Promise<void> => {
    if (context.rank === 0) context.report({ stage: 'copy' } satisfies AllreduceRankProgress);
    for (let repeat = 0; repeat < args.copyRepeats; repeat++) {
      await collective.barrier();
      const startMs = performance.now();
      target.set(source);
      copySeconds.push((performance.now() - startMs) / 1000);
    }
  };
  // Before and after the sizes: the machine's load may change during the run, and the best of both is the figure.
  await measureCopy();
  const largest = Math.max(0, ...args.sizesBytes);
  const buffer = new Float32Array(largest / 4);
  const n = collective.size;
  const sizes: { sizeBytes: number; verified: boolean; seconds: number[] }[] = [];
  const options = { wire: args.wire };
  for (let s = 0; s < args.sizesBytes.length; s++) {
    const sizeBytes = args.sizesBytes[s]!;
    const message = buffer.subarray(0, sizeBytes / 4);
    if (context.rank === 0) context.report({ stage: 'size', sizeBytes } satisfies AllreduceRankProgress);
    message.fill(collective.rank + 1);
    await collective.allreduce([message], 'sum', options);
    const total = (n * (n + 1)) / 2;
    const verified = message.length === 0 || (message[0] === total && message[message.length >> 1] === total && message[message.length - 1] === total);
    // Zeros stay zeros under repeated sums: no overflow to infinity, no denormals.
    message.fill(0);
    for (let i = 0; i < args.warmupIterations[s]!; i++) await collective.allreduce([message], 'sum', options);
    const seconds: number[] = [];
    for (let i = 0; i < args.iterations[s]!; i++) {
      await collective.barrier();
      const startMs = performance.now();
      await collective.allreduce([message], 'sum', options);
      seconds.push((performance.now() - startMs) / 1000);
    }
    sizes.push({ sizeBytes, verified, seconds });
  }
  await measureCopy();
  return { copySeconds, sizes };
}
