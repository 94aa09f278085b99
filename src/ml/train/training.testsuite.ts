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
