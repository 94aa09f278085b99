import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runNabBenchmark } from '../bench/index.js';
import { writeTempNabCorpus } from '../bench/nab/temp-corpus.testsuite.js';
import { builtBinPath } from '../server/test-support.js';

const run = promisify(execFile);
const dir = writeTempNabCorpus('vigil-cli-nab-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function vigil(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [builtBinPath(), ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const PARAMS = { windowSize: 64, stepSize: 4 };

describe('vigil bench nab', () => {
  it('--json prints one object with the scores of the three profiles, speed and memory', async () => {
    const result = await vigil(['bench', 'nab', '--data', dir, '--detector', 'windowed-gaussian', '--params', JSON.stringify(PARAMS), '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, 7)).toEqual(['suite', 'detector', 'files', 'windows', 'scores', 'pointsPerSecond', 'bytesPerSeries']);
    const expected = runNabBenchmark({ dataDir: dir, detectorId: 'windowed-gaussian', params: PARAMS });
    expect(report).toMatchObject({
      suite: 'nab',
      detector: 'windowed-gaussian',
      files: 2,
      windows: 2,
      points: 800,
      scores: {
        standard: expected.scoring.profiles.standard.score,
        reward_low_FP_rate: expected.scoring.profiles.reward_low_FP_rate.score,
        reward_low_FN_rate: expected.scoring.profiles.reward_low_FN_rate.score,
      },
      params: { ...PARAMS, levelShiftPoints: 5 },
    });
    expect(report['pointsPerSecond']).toBeGreaterThan(0);
    expect(typeof report['bytesPerSeries']).toBe('number');
  });

  it('--out writes results that --score-results scores the same; the table shows published results beside ours', async () => {
    const out = join(dir, 'out');
    const ran = await vigil(['bench', 'nab', '--data', dir, '--detector', 'windowed-gaussian', '--params', JSON.stringify(PARAMS), '--out', out]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('windowed-gaussian (this run, 2 files)');
    expect(ran.stdout).toContain('Windowed Gaussian (published)');
    expect(ran.stdout).toMatch(/synthetic\s+1\s+400\s+1\s+1/);
    expect(ran.stdout).toMatch(/points\/s, \d+ ns\/point/);
    const scored = await vigil(['bench', 'nab', '--data', dir, '--score-results', out, '--json']);
    expect(scored.code).toBe(0);
    const again = await vigil(['bench', 'nab', '--data', dir, '--detector', 'windowed-gaussian', '--params', JSON.stringify(PARAMS), '--json']);
    const a = JSON.parse(scored.stdout) as { scores: unknown; thresholds: unknown; pointsPerSecond: unknown };
    const b = JSON.parse(again.stdout) as { scores: unknown; thresholds: unknown };
    expect(a.scores).toEqual(b.scores);
    expect(a.thresholds).toEqual(b.thresholds);
    expect(a.pointsPerSecond).toBeNull();
    const fixed = await vigil(['bench', 'nab', '--data', dir, '--score-results', out, '--threshold', '0.99', '--json']);
    expect((JSON.parse(fixed.stdout) as { thresholds: unknown }).thresholds).toEqual({ standard: 0.99, reward_low_FP_rate: 0.99, reward_low_FN_rate: 0.99 });
  });

  it('names an unknown detector and a bad threshold, exiting 1', async () => {
    const unknown = await vigil(['bench', 'nab', '--data', dir, '--detector', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown detector "nope"; valid ids: .*windowed-gaussian/);
    const threshold = await vigil(['bench', 'nab', '--data', dir, '--score-results', dir, '--threshold', 'high']);
    expect(threshold.code).toBe(1);
    expect(threshold.stderr).toContain('cannot parse threshold "high": expected a number');
  });
});
