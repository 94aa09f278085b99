import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../engine/model.js';
import type { TrainJob, TrainState } from './data-parallel.js';
import type { RankLauncher } from './driver.js';
import { runTraining } from './driver.js';
import { windowExamples, type DataTable, type Examples } from './examples.js';

/** A noisy daily-like wave, deterministic: something a small forecaster can learn. */
function wave(rows: number): DataTable {
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) values[i] = 10 + 3 * Math.sin((2 * Math.PI * i) / 24) + Math.sin(i * 12.9898) * 0.3;
  return { columns: ['load'], rows, values };
}

export const forecaster: ModelConfig = { kind: 'lstm-forecaster', window: 12, horizon: 3, features: 1, units: 8, layers: 1, quantiles: [0.1, 0.5, 0.9], normalization: { center: [10], scale: [2] }, seed: 3 };
export const examples: Examples = windowExamples(wave(220), 12, 3, false);

/** The suite's job: SGD, 2 epochs, fusion groups of 256 bytes, a commit every 4 steps. */
export function job(batchSize: number, overrides: Partial<TrainJob> = {}): TrainJob {
  return { optimizer: { kind: 'sgd', learningRate: 0.05 }, batchSize, epochs: 2, seed: 11, fusionThresholdBytes: 256, compression: 'none', commitEverySteps: 4, ...overrides };
}

function maxDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let max = 0;
  a.forEach((values, t) => values.forEach((v, i) => (max = Math.max(max, Math.abs(v - b[t]![i]!)))));
  return max;
}

/**
 * The data-parallel training contract, run over each transport's launcher: synchronous SGD equivalence, elastic
 * recovery from a dead rank, and reproducible restarts from a commit.
 */
export function describeDataParallelTraining(transport: string, launcher: () => RankLauncher): void {
  describe(`data-parallel training over ${transport}`, () => {
    it('N ranks with batch B reach the weights of one rank with batch N·B, to 1e-5', async () => {
      const one = await runTraining({ model: forecaster, job: job(12), examples, launcher: launcher(), workers: 1 });
      const two = await runTraining({ model: forecaster, job: job(6), examples, launcher: launcher(), workers: 2 });
      const three = await runTraining({ model: forecaster, job: job(4), examples, launcher: launcher(), workers: 3 });
      expect(two.state.position).toEqual(one.state.position);
      expect(one.state.position.step).toBeGreaterThan(20);
      expect(maxDifference(two.state.parameters, one.state.parameters)).toBeLessThan(1e-5);
      expect(maxDifference(three.state.parameters, one.state.parameters)).toBeLessThan(1e-5);
      // Training moved the weights: equivalence of untouched weights would prove nothing.
      const initial = (await runTraining({ model: forecaster, job: job(12, { epochs: 0 }), examples, launcher: launcher(), workers: 1 })).state.parameters;
      expect(maxDifference(one.state.parameters, initial)).toBeGreaterThan(1e-3);
    });

    it('with fp16 compression, 1 and 2 ranks end within half-precision noise of each other and of float32; the loss stays exact and falls', async () => {
      // SGD, so that a gradient's rounding error moves the weights in proportion (Adam would rescale it).
      const fp16 = { compression: 'fp16', optimizer: { kind: 'sgd', learningRate: 0.2 }, epochs: 4 } as const;
      const losses: { fp16: number[]; float32: number[] } = { fp16: [], float32: [] };
      const one = await runTraining({ model: forecaster, job: job(12, fp16), examples, launcher: launcher(), workers: 1 });
      const two = await runTraining({ model: forecaster, job: job(6, fp16), examples, launcher: launcher(), workers: 2, onStep: (report) => losses.fp16.push(report.loss) });
      const float32 = await runTraining({ model: forecaster, job: job(6, { ...fp16, compression: 'none' }), examples, launcher: launcher(), workers: 2, onStep: (report) => losses.float32.push(report.loss) });
      const initial = (await runTraining({ model: forecaster, job: job(12, { epochs: 0 }), examples, launcher: launcher(), workers: 1 })).state.parameters;
      expect(two.state.position).toEqual(one.state.position);
      expect(two.state.position.step).toBeGreaterThan(60);
      // The weights move by up to about 0.6; each step's averaged gradient is off by a few 2^-11 of its size (the ring's
      // roundings), errors that mostly cancel over the steps: the runs were 2e-5 apart when measured. 1e-3 is about
      // 2^-11 of the movement, four times over: far below what a wrong gradient would do, far above the noise.
      const moved = maxDifference(one.state.parameters, initial);
      expect(moved).toBeGreaterThan(0.3);
      expect(maxDifference(two.state.parameters, one.state.parameters)).toBeLessThan(1e-3);
      expect(maxDifference(two.state.parameters, float32.state.parameters)).toBeLessThan(1e-3);
      // ...and the compression did happen: the gradients applied were half values, not the float32 ones.
      expect(maxDifference(two.state.parameters, float32.state.parameters)).toBeGreaterThan(0);
      // The loss rides in float32 beside the half-float gradients: at step 1 (same weights) it is the float32 run's to
      // the bit, where a half-float loss would be off by up to 2^-12.
      expect(losses.fp16[0]).toBe(losses.float32[0]);
      const first = losses.fp16.slice(0, 5).reduce((sum, loss) => sum + loss, 0) / 5;
      const last = losses.fp16.slice(-5).reduce((sum, loss) => sum + loss, 0) / 5;
      expect(last).toBeLessThan(first * 0.8);
    });

    it('goes on without a rank that dies mid-training, rolls back to the last commit, and lets a replacement join', async () => {
      const losses: { step: number; loss: number; ranks: number }[] = [];
      const reasons: string[] = [];
      const result = await runTraining({
        model: forecaster,
        job: job(4, { optimizer: { kind: 'adam', learningRate: 0.02 }, epochs: 4 }),
        examples,
        launcher: launcher(),
        workers: 3,
        crash: { workerId: 1, step: 7 },
        onStep: (report) => losses.push({ step: report.step, loss: report.loss, ranks: report.ranks }),
        onMembership: (event) => reasons.push(event.reason),
      });
      expect(result.generations).toBeGreaterThanOrEqual(2);
      expect(reasons.some((r) => r.includes('lost'))).toBe(true);
      // Steps 5-7 ran on three ranks, the survivors rolled back to the commit of step 4 and went on with two.
      expect(losses.some((l) => l.ranks === 2)).toBe(true);
      const first = losses.slice(0, 5).reduce((s, l) => s + l.loss, 0) / 5;
      const last = losses.slice(-5).reduce((s, l) => s + l.loss, 0) / 5;
      expect(last).toBeLessThan(first * 0.8);
      expect(result.state.position.epoch).toBe(4);
      // A replacement started when the rank died and joined at a later commit.
      expect(reasons.some((r) => r.includes('joined'))).toBe(true);
      expect(result.finalWorkers).toBe(3);
    });

    it('restarted from a commit, reproduces the uninterrupted run exactly', async () => {
      const commits: TrainState[] = [];
      const full = await runTraining({ model: forecaster, job: job(6, { optimizer: { kind: 'adam', learningRate: 0.01 } }), examples, launcher: launcher(), workers: 2, onCommit: async (s) => void commits.push(s) });
      const middle = commits[Math.floor(commits.length / 2)]!;
      expect(middle.position.step).toBeGreaterThan(0);
      const resumed = await runTraining({ model: forecaster, job: job(6, { optimizer: { kind: 'adam', learningRate: 0.01 } }), examples, launcher: launcher(), workers: 2, start: middle });
      expect(resumed.state.position).toEqual(full.state.position);
      expect(maxDifference(resumed.state.parameters, full.state.parameters)).toBe(0);
    });
  });
}
