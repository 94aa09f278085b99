import { describe, expect, it } from 'vitest';
import { formatTrainBench, trainBenchJson } from './report.js';
import { runTrainBench } from './run.js';

describe('vigil bench train', () => {
  it('times rounds in a row per worker count, counts the fastest, and measures the machine’s ceiling beside the ring', async () => {
    const notes: string[] = [];
    const result = await runTrainBench({
      kind: 'lstm-forecaster',
      workers: [1, 2],
      batchSize: 4,
      steps: 6,
      rounds: 3,
      warmupSteps: 2,
      transport: 'threads',
      torch: false,
      note: (line) => notes.push(line),
    });
    expect(result.rounds).toBe(3);
    expect(result.rows.map((r) => r.workers)).toEqual([1, 2]);
    for (const row of result.rows) {
      expect(row.roundSamplesPerSecond).toHaveLength(3);
      expect(row.samplesPerSecond).toBe(Math.max(...row.roundSamplesPerSecond));
      const shares = Object.values(row.profile).reduce((sum, share) => sum + (share ?? 0), 0);
      expect(shares).toBeCloseTo(1, 6);
    }
    const [one, two] = result.rows;
    expect(one!.scalingEfficiency).toBe(1);
    expect(one!.ceilingSamplesPerSecond).toBeNull();
    expect(two!.scalingEfficiency).toBeCloseTo(two!.samplesPerSecond / (2 * one!.samplesPerSecond), 12);
    // Two one-worker runs at once: either they overlapped in a round and the ceiling is their summed throughput, or it is null.
    if (two!.ceilingSamplesPerSecond !== null) expect(two!.ceilingEfficiency).toBeCloseTo(two!.ceilingSamplesPerSecond / (2 * one!.samplesPerSecond), 12);
    else expect(two!.ceilingEfficiency).toBeNull();
    expect(two!.profile.negotiate).toBeGreaterThan(0);
    expect(notes).toContain('training lstm-forecaster, batch 4 per worker, 2 + 3 × 6 steps as 2 one-worker runs at once (the machine\'s ceiling)');

    const text = formatTrainBench(result);
    expect(text).toContain('3 × 6 timed steps (the fastest round counts)');
    // The profile's phases come largest first: on a loaded machine waiting can outweigh computing.
    expect(text).toMatch(/^2 +\d+ +\d+–\d+ +\d+\.\d\d +\d+\.\d% +(\d+\.\d%|-) +([a-z-]+ \d+\.\d%, )*compute \d+\.\d%/m);
    expect(text).toMatch(/goal: scaling efficiency >= 90\.0% at 2 workers: \d+\.\d% (met|NOT met)/);
    expect(trainBenchJson(result)).toMatchObject({ suite: 'train', rounds: 3, vigilOverTorch: null });
  }, 120_000);

  it('refuses a run it cannot time', async () => {
    const base = { kind: 'lstm-forecaster', workers: [1], batchSize: 4, steps: 2, warmupSteps: 1, transport: 'threads', torch: false } as const;
    await expect(runTrainBench({ ...base, rounds: 0 })).rejects.toThrow('cannot benchmark training: rounds must be an integer >= 1, got 0');
    await expect(runTrainBench({ ...base, rounds: 1, warmupSteps: 0 })).rejects.toThrow('at least one warm-up step is needed to start the clock');
  });
});
