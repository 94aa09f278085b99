import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNabCorpus } from './corpus.js';
import { writeTempNabCorpus } from './temp-corpus.testsuite.js';
import { formatNabTimestamp, parseNabTimestamp } from './timestamp.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function corpusDir(): string {
  const dir = writeTempNabCorpus();
  dirs.push(dir);
  return dir;
}

describe('NAB timestamps', () => {
  it('parse as UTC with or without a fraction, and format back', () => {
    expect(parseNabTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTimestamp('2014-04-10T07:15:00.25Z')).toBe(Date.UTC(2014, 3, 10, 7, 15) + 250);
    for (const bad of ['2014-04-10', '2014-02-30 00:00:00', '2014-04-10 24:00:00', '2014-04-10 07:15:00.', 'x014-04-10 07:15:00']) expect(parseNabTimestamp(bad), bad).toBeNaN();
    expect(formatNabTimestamp(Date.UTC(2015, 1, 26, 21, 42, 53))).toBe('2015-02-26 21:42:53');
    expect(formatNabTimestamp(Date.UTC(2015, 1, 26, 21, 42, 53, 5))).toBe('2015-02-26 21:42:53.005');
  });
});

describe('NAB corpus loading', () => {
  it('loads files sorted by path, with windows as rows and the probationary period', () => {
    const corpus = loadNabCorpus(corpusDir());
    expect(corpus.files.map((f) => [f.relativePath, f.category, f.name, f.probationRows, f.windows])).toEqual([
      ['other/shift.csv', 'other', 'shift.csv', 60, [{ firstRow: 240, lastRow: 260 }]],
      ['synthetic/spike.csv', 'synthetic', 'spike.csv', 60, [{ firstRow: 290, lastRow: 310 }]],
    ]);
    expect(corpus).toMatchObject({ pointCount: 800, windowCount: 2 });
    expect(corpus.profiles.reward_low_FN_rate).toEqual({ tpWeight: 1, fpWeight: 0.11, fnWeight: 2 });
  });

  it('names the file and line of a bad row, a file without labels and a missing layout part', () => {
    const dir = corpusDir();
    const path = join(dir, 'data', 'other', 'shift.csv');
    writeFileSync(path, 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n');
    expect(() => loadNabCorpus(dir)).toThrow(`cannot read ${path}: line 3: bad value "abc"`);
    writeFileSync(path, 'timestamp,value\n2014-04-01 00:00:00,1\nyesterday,2\n');
    expect(() => loadNabCorpus(dir)).toThrow(`cannot read ${path}: line 3: bad timestamp "yesterday"`);
    writeFileSync(join(dir, 'data', 'other', 'extra.csv'), 'timestamp,value\n');
    expect(() => loadNabCorpus(dir)).toThrow(`cannot load NAB corpus ${dir}: data/other/extra.csv has no entry in labels/combined_windows.json`);
    const empty = mkdtempSync(join(tmpdir(), 'vigil-nab-empty-'));
    dirs.push(empty);
    expect(() => loadNabCorpus(empty)).toThrow(`cannot load NAB corpus ${empty}: no data/ directory`);
  });
});
