import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithDrain3, defaultDrain3VenvDir, ensureDrain3, formatLoghubReport, loadLoghubSystems, loghubJsonReport, parseDrain3Output, runDrain3Comparison, runLoghubBenchmark } from './index.js';
import { writeTinyLoghub } from './tiny-dataset.testsuite.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-drain3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeTinyLoghub(dir);

const systems = loadLoghubSystems(dir);
/** What drain3_runner.py printed for these two systems (Drain3 0.9.11, default configuration). */
const recorded = readFileSync(new URL('./testdata/drain3-runner-output.json', import.meta.url), 'utf8');

describe('Drain3 beside Vigil', () => {
  it('scores the recorded runner output as Vigil is scored and sets the speeds side by side', () => {
    const vigil = runLoghubBenchmark({ dataDir: dir, systems, rounds: 1 });
    const output = parseDrain3Output(recorded, systems);
    expect(output.drain3Version).toBe('0.9.11');
    expect(output.config).toMatchObject({ sim_th: 0.4, depth: 4 });
    const drain3 = compareWithDrain3(systems, output, vigil);
    const [alpha, beta] = drain3.systems;
    // `Disk /dev/sda1 is full` is corrected to `Disk <*> is full`, as a mined template of Vigil's would be.
    expect(alpha).toMatchObject({ system: 'Alpha', GA: 1, PA: 1, lines: 3 });
    expect(beta).toMatchObject({ system: 'Beta', GA: 1, PA: 0.75, lines: 4 });
    expect(alpha!.linesPerSecond).toBeCloseTo(3 / 5.1199998779338785e-5, 3);
    expect(alpha!.ratio).toBeCloseTo(vigil.systems[0]!.linesPerSecond / alpha!.linesPerSecond, 9);
    expect(drain3.linesPerSecond).toBeCloseTo(7 / (5.1199998779338785e-5 + 3.4836999475373887e-5), 3);
    expect(drain3.ratio).toBeCloseTo(vigil.linesPerSecond / drain3.linesPerSecond, 9);
    expect(drain3.mean.PA).toBeCloseTo((1 + 0.75) / 2, 12);

    const json = loghubJsonReport(vigil, drain3, { skipped: 'not run' });
    expect(json.drain3Default).toEqual({ skipped: 'not run' });
    expect(json.drain3).toMatchObject({ version: '0.9.11', configName: 'default', linesPerSecond: Math.round(drain3.linesPerSecond), mean: { GA: 1, PA: 0.875 } });
    expect(json.drain3 && 'ratio' in json.drain3 ? json.drain3.ratio : null).toBeCloseTo(drain3.ratio, 0);
    const text = formatLoghubReport(vigil, drain3, drain3);
    expect(text).toMatch(/Drain3 0\.9\.11 from PyPI, no configuration file \(no masking\) \(sim_th 0\.4, depth 4/);
    expect(text).toMatch(/^Drain3 no configuration file \(no masking\): GA 1\.000, FGA 1\.000, PA 0\.875, FTA \S+; \d+ lines\/s; Vigil\/Drain3 \d+\.\dx$/m);
    expect(text).toMatch(/^Beta\s.*\|\s+1\.000 1\.000 0\.750 \S+\s+\d+\s+\d+\.\dx$/m);
    expect(text).toMatch(/^mean\s.*\|\s+1\.000 1\.000 0\.875 \S+\s+\d+\s+\d+\.\dx$/m);
  });

  it('rejects runner output that misses a system or a line, naming it', () => {
    const sample = JSON.parse(recorded) as { systems: Record<string, { templates: string[] }> };
    const shortBeta = structuredClone(sample);
    shortBeta.systems.Beta!.templates.pop();
    expect(() => parseDrain3Output(JSON.stringify(shortBeta), systems)).toThrow(/cannot read Drain3 runner output: Beta has 3 templates for 4 lines/);
    const noAlpha = structuredClone(sample);
    delete noAlpha.systems.Alpha;
    expect(() => parseDrain3Output(JSON.stringify(noAlpha), systems)).toThrow(/no result for Alpha/);
    expect(() => parseDrain3Output('Traceback (most recent call last):', systems)).toThrow(/cannot read Drain3 runner output/);
  });

  it('says why Drain3 is skipped when no Python can make its environment', () => {
    const venvDir = join(dir, 'venv');
    const outcome = runDrain3Comparison(systems, runLoghubBenchmark({ dataDir: dir, systems, rounds: 1 }), { venvDir, python: join(dir, 'no-such-python3') });
    expect(outcome).toEqual({ skipped: expect.stringMatching(/^cannot run .*no-such-python3: .*ENOENT/) as unknown as string });
    expect(ensureDrain3({ venvDir, python: join(dir, 'no-such-python3') })).toEqual(outcome);
  });

  // Runs Drain3 itself only where an earlier `vigil bench loghub` left its environment: tests never install.
  const venvPython = join(defaultDrain3VenvDir(), 'bin', 'python');
  const haveDrain3 = existsSync(venvPython) && spawnSync(venvPython, ['-c', 'import drain3'], { stdio: 'ignore' }).status === 0;
  it.runIf(haveDrain3)('runs Drain3 from the existing environment on the same lines', () => {
    const vigil = runLoghubBenchmark({ dataDir: dir, systems, rounds: 1 });
    const outcome = runDrain3Comparison(systems, vigil, { rounds: 1 });
    if ('skipped' in outcome) throw new Error(`Drain3 was skipped: ${outcome.skipped}`);
    expect(outcome.systems.map((s) => [s.system, s.GA, s.PA])).toEqual([
      ['Alpha', 1, 1],
      ['Beta', 1, 0.75],
    ]);
    expect(outcome.linesPerSecond).toBeGreaterThan(0);
  });
});
