import type { TorchOutcome } from './torch-peer.js';
import type { TrainBenchResult } from './run.js';

/** Scaling efficiency the issue asks for at 2 workers. */
const SCALING_GOAL_AT_TWO = 0.9;

const percent = (share: number | null | undefined): string => (share === null || share === undefined ? '-' : `${(share * 100).toFixed(1)}%`);

/** The slowest and the fastest round's samples/s. */
const range = (rounds: readonly number[]): string => `${Math.min(...rounds).toFixed(0)}–${Math.max(...rounds).toFixed(0)}`;

/** The rounds' range beside the fastest round's figure, when there were several. */
const spread = (rounds: readonly number[]): string => (rounds.length < 2 ? '' : ` (rounds ${range(rounds)})`);

function torchLine(label: string, outcome: TorchOutcome): string {
  if (!outcome.ran) return `${label}: skipped (${outcome.reason})`;
  return `${label}: ${outcome.samplesPerSecond.toFixed(0)} samples/s${spread(outcome.roundSamplesPerSecond)} (batch ${outcome.batchSize}, median step ${outcome.stepMs.toFixed(2)} ms, ${outcome.threads} thread(s), torch ${outcome.torchVersion})`;
}

/** The best Vigil throughput over PyTorch's at the same global batch, when PyTorch ran. */
export function torchRatio(result: TrainBenchResult): number | null {
  const peer = result.torch?.globalBatch;
  if (peer === undefined || !peer.ran) return null;
  const largest = result.rows.reduce((a, b) => (b.workers > a.workers ? b : a));
  return largest.samplesPerSecond / peer.samplesPerSecond;
}

export function formatTrainBench(result: TrainBenchResult): string {
  const lines = [
    `bench train: ${result.kind} (${result.parameters} parameters) on ${result.source}; batch ${result.batchSize} per worker, ${result.rounds} × ${result.steps} timed steps (the fastest round counts), ${result.transport} transport, LSTM kernels ${result.lstmKernels}`,
    `machine: ${result.cpus.count} CPUs (${result.cpus.model})`,
    '',
    'WORKERS  SAMPLES/S  ROUNDS         STEP MS  SCALING  CEILING  PROFILE (share of every worker\'s time in the fastest round)',
  ];
  for (const row of result.rows) {
    const profile = Object.entries(row.profile)
      .filter(([, share]) => share !== undefined && share >= 0.001)
      .sort((a, b) => b[1]! - a[1]!)
      .map(([phase, share]) => `${phase} ${percent(share)}`)
      .join(', ');
    lines.push(`${String(row.workers).padEnd(7)}  ${row.samplesPerSecond.toFixed(0).padStart(9)}  ${range(row.roundSamplesPerSecond).padEnd(13)}  ${row.medianStepMs.toFixed(2).padStart(7)}  ${percent(row.scalingEfficiency).padStart(7)}  ${percent(row.ceilingEfficiency).padStart(7)}  ${profile}`);
  }
  const two = result.rows.find((r) => r.workers === 2);
  if (two?.scalingEfficiency !== null && two !== undefined) {
    const met = two.scalingEfficiency! >= SCALING_GOAL_AT_TWO;
    const ceiling = two.ceilingEfficiency === null ? '' : `; the machine's ceiling in this run: ${percent(two.ceilingEfficiency)}, the ring reaches ${percent(two.samplesPerSecond / two.ceilingSamplesPerSecond!)} of it`;
    lines.push('', `goal: scaling efficiency >= ${percent(SCALING_GOAL_AT_TWO)} at 2 workers: ${percent(two.scalingEfficiency)} ${met ? 'met' : 'NOT met'}${ceiling}`);
  }
  if (result.rows.some((r) => r.ceilingEfficiency !== null)) {
    lines.push('CEILING: as many one-worker runs at once, no ring (what the cores give), over workers × one worker');
  }
  if (result.torch !== null) {
    lines.push('', torchLine('PyTorch, same global batch', result.torch.globalBatch), torchLine('PyTorch, per-worker batch, 1 thread', result.torch.oneThread));
    const ratio = torchRatio(result);
    if (ratio !== null) lines.push(`vigil / PyTorch at the same global batch: ${ratio.toFixed(2)}x${result.kind === 'lstm-forecaster' ? ` (goal >= 1: ${ratio >= 1 ? 'met' : 'NOT met'})` : ''}`);
  }
  return lines.join('\n');
}

export function trainBenchJson(result: TrainBenchResult): object {
  return { suite: 'train', ...result, vigilOverTorch: torchRatio(result) };
}
