import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vigilStdout as runCli } from '../../cli/run-in-process.testsuite.js';
import { writeTinyLoghub } from './tiny-dataset.testsuite.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-loghub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeTinyLoghub(dir);
mkdirSync(join(dir, 'published'));
writeFileSync(
  join(dir, 'published', 'effectiveness_results.csv'),
  'dataset+metrics,AEL,Drain\nAlpha GA,0.1 / 0.2,0.500 / 0.400\nAlpha FGA,0 / 0,0.600 / ------\nAlpha PA,0 / 0,0.250 / 0.1\nAlpha FTA,0 / 0,0.125 / 0.1\n',
);


describe('vigil bench loghub', () => {
  it('--json prints one object: per-system metrics beside published Drain figures, the mean and lines per second', async () => {
    const out = await runCli(['bench', 'loghub', '--data', dir, '--json', '--no-drain3']);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as {
      suite: string;
      systems: Record<string, { GA: number; FGA: number; PA: number; FTA: number; lines: number; publishedDrain: unknown }>;
      mean: Record<string, number>;
      linesPerSecond: number;
      drain3: unknown;
    };
    expect(report.suite).toBe('loghub');
    expect(Object.keys(report.systems)).toEqual(['Alpha', 'Beta']);
    expect(report.systems.Alpha).toMatchObject({ GA: 1, FGA: 1, PA: 1, FTA: 1, lines: 3, publishedDrain: { GA: 0.5, FGA: 0.6, PA: 0.25, FTA: 0.125 } });
    // Beta: the job messages group right; "shutting down now" keeps "now", which the truth drops.
    expect(report.systems.Beta).toMatchObject({ GA: 1, FGA: 1, PA: 0.75, lines: 4, publishedDrain: null });
    expect(report.systems.Beta!.FTA).toBeCloseTo(2 / 3, 3);
    expect(report.mean.PA).toBeCloseTo((1 + 0.75) / 2, 3);
    expect(report.linesPerSecond).toBeGreaterThan(0);
    expect(report.drain3).toEqual({ skipped: 'turned off by --no-drain3' });
  });

  it('prints a table with a row per system and the mean', async () => {
    const out = await runCli(['bench', 'loghub', '--data', dir, '--no-drain3']);
    expect(out).toMatch(/^Alpha\s+1\.000 0\.500/m);
    expect(out).toMatch(/^Beta\s+1\.000 {3}- {3}/m);
    expect(out).toMatch(/^mean\s/m);
    expect(out).toMatch(/^Drain3 column skipped: turned off by --no-drain3$/m);
  });

  it('names the problem when the directory holds no Loghub system', async () => {
    await expect(runCli(['bench', 'loghub', '--data', join(dir, 'published'), '--no-drain3'])).rejects.toThrow(/no <System>\/<System>_2k\.log_structured_corrected\.csv found/);
  });
});
