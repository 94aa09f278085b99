import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNabResults } from './results-files.js';
import { runNabBenchmark } from './run-benchmark.js';
import { scoreNabResults } from './score-results.js';
import { TEMP_CORPUS_ROWS, writeTempNabCorpus } from './temp-corpus.testsuite.js';

const dir = writeTempNabCorpus();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PARAMS = { windowSize: 64, stepSize: 4 };

describe('NAB results files', () => {
  it('round-trips: results written by a run score exactly as the run did', () => {
    const run = runNabBenchmark({ dataDir: dir, detectorId: 'windowed-gaussian', params: PARAMS });
    expect(run).toMatchObject({ suite: 'nab', detector: 'windowed-gaussian', files: 2, windows: 2, points: 2 * TEMP_CORPUS_ROWS, params: { ...PARAMS, levelShiftPoints: 5 } });
    // The spike and the shift stand out: the standard profile finds both windows.
    expect(run.scoring.profiles.standard.windowsDetected).toBe(2);
    expect(run.scoring.profiles.standard.score).toBeGreaterThan(50);
    const out = join(dir, 'results');
    writeNabResults(out, run.detector, run.corpus, run.anomalyScores);
    const path = join(out, 'synthetic', 'windowed-gaussian_spike.csv');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,label');
    expect(lines).toHaveLength(TEMP_CORPUS_ROWS + 1);
    expect(lines[1]).toMatch(/^2014-04-01 00:00:00,[-\d.e]+,0,0$/);
    // Rows 290..310 form the window: label 1 there only.
    expect(lines.slice(1).map((l) => l.split(',')[3]).join('')).toBe('0'.repeat(290) + '1'.repeat(21) + '0'.repeat(89));

    const scored = scoreNabResults({ dataDir: dir, resultsDir: out });
    expect(scored.detector).toBe('windowed-gaussian');
    expect(scored.scoring.profiles).toEqual(run.scoring.profiles);
    expect(scored.scoring.files).toEqual(run.scoring.files);
  });

  it('names a missing results file, a short one and a bad score by file and line', () => {
    const run = runNabBenchmark({ dataDir: dir, detectorId: 'windowed-gaussian', params: PARAMS });
    const out = join(dir, 'broken');
    writeNabResults(out, 'det', run.corpus, run.anomalyScores);
    const path = join(out, 'other', 'det_shift.csv');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(/\n[^\n]*\n$/, '\n'));
    expect(() => scoreNabResults({ dataDir: dir, resultsDir: out })).toThrow(`cannot read ${path}: ${TEMP_CORPUS_ROWS - 1} rows, but data/other/shift.csv has ${TEMP_CORPUS_ROWS}`);
    const lines = text.split('\n');
    lines[5] = lines[5]!.replace(/,[^,]*,(\d)$/, ',oops,$1');
    writeFileSync(path, lines.join('\n'));
    expect(() => scoreNabResults({ dataDir: dir, resultsDir: out })).toThrow(`cannot read ${path}: line 6: bad anomaly_score "oops"`);
    rmSync(path);
    expect(existsSync(path)).toBe(false);
    expect(() => scoreNabResults({ dataDir: dir, resultsDir: out, detectorName: 'det' })).toThrow(`cannot read NAB results: ${path} is missing`);
    expect(() => scoreNabResults({ dataDir: dir, resultsDir: out })).toThrow(/cannot read NAB results in .*broken: no other\/<detector>_shift\.csv/);
  });
});
