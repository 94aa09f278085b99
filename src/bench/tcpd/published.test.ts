import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bestPublishedScore, publishedColumnScore, publishedScore, readPublishedTcpd } from './published.js';
import { parsePublishedTable } from './published-table.js';
import { TINY_F1_TABLE, writeTinyTcpd } from './tiny-dataset.testsuite.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHARED_TCPD = resolve(REPO_ROOT, '../shared/data/tcpd');
const SHARED_PUBLISHED = join(SHARED_TCPD, 'published');

describe('parsePublishedTable', () => {
  it('reads methods, scores and bold cells; F, M and empty cells are absent', () => {
    const table = parsePublishedTable(TINY_F1_TABLE, 'f1.tex');
    expect(table.methods).toEqual(['binseg', 'bocpd', 'zero']);
    expect([...table.scores.keys()]).toEqual(['alpha', 'beta', 'gamma']);
    expect([...table.scores.get('alpha')!]).toEqual([
      ['binseg', 1],
      ['zero', 0.667],
    ]);
    expect([...table.scores.get('beta')!]).toEqual([
      ['bocpd', 0.5],
      ['zero', 1],
    ]);
    expect([...table.scores.get('gamma')!]).toEqual([
      ['binseg', 0.1],
      ['zero', 0.2],
    ]);
  });

  it('names the file and line of a bad table', () => {
    expect(() => parsePublishedTable('\\verb+a+ & 1\\\\', 't.tex')).toThrow('cannot parse TCPD table t.tex: no header row');
    const header = 'Dataset & \\textsc{binseg} & \\textsc{zero}\\\\';
    expect(() => parsePublishedTable(`${header}\n\\verb+a+ & 1.0\\\\`, 't.tex')).toThrow('cannot parse TCPD table t.tex: line 2 (a) has 1 scores for 2 methods');
    expect(() => parsePublishedTable(`${header}\n\\verb+a+ & 1.0 & x\\\\`, 't.tex')).toThrow('cannot parse TCPD table t.tex: line 2 (a), zero: "x" is not a score, F, M or empty');
    expect(() => parsePublishedTable(header, 't.tex')).toThrow('no \\verb+dataset+ rows');
  });
});

describe('publishedScore', () => {
  const { scores } = parsePublishedTable(TINY_F1_TABLE, 'f1.tex');

  it("is a method's cell, or the best of the row", () => {
    expect(publishedScore(scores, 'alpha', 'zero')).toBe(0.667);
    expect(bestPublishedScore(scores, 'alpha')).toBe(1);
    expect(bestPublishedScore(scores, 'beta')).toBe(1);
    expect(bestPublishedScore(scores, 'gamma')).toBe(0.2);
    expect(publishedColumnScore(scores, 'gamma', 'best')).toBe(0.2);
    expect(publishedColumnScore(scores, 'gamma', 'binseg')).toBe(0.1);
  });

  it('is null for a failed, missing or absent cell, or an absent series', () => {
    expect(publishedScore(scores, 'alpha', 'bocpd')).toBeNull();
    expect(publishedScore(scores, 'beta', 'binseg')).toBeNull();
    expect(publishedScore(scores, 'alpha', 'pelt')).toBeNull();
    expect(bestPublishedScore(scores, 'delta')).toBeNull();
  });
});

describe('readPublishedTcpd', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is null without a published directory, an error naming a missing table', () => {
    const dir = writeTinyTcpd({ published: false });
    dirs.push(dir);
    expect(readPublishedTcpd(dir)).toBeNull();
    mkdirSync(join(dir, 'published'));
    expect(() => readPublishedTcpd(dir)).toThrow(`cannot read TCPD published table ${join(dir, 'published', 'default_f1_combined_full.tex')}`);
  });

  it('reads both tables', () => {
    const dir = writeTinyTcpd();
    dirs.push(dir);
    const published = readPublishedTcpd(dir)!;
    expect(publishedScore(published.f1, 'alpha', 'binseg')).toBe(1);
    expect(publishedScore(published.cover, 'alpha', 'binseg')).toBe(0.9);
  });

  it.skipIf(!existsSync(SHARED_PUBLISHED))(`parses TCPDBench's published default tables (${SHARED_PUBLISHED})`, () => {
    const published = readPublishedTcpd(SHARED_TCPD)!;
    expect(publishedScore(published.f1, 'nile', 'binseg')).toBe(1);
    expect(publishedScore(published.f1, 'bank', 'zero')).toBe(1);
    expect(publishedScore(published.f1, 'bank', 'amoc')).toBe(0.667);
    expect(publishedScore(published.cover, 'bank', 'binseg')).toBe(0.509);
    expect(publishedScore(published.cover, 'nile', 'zero')).toBe(0.758);
    // bitcoin's rbocpdms failed (F); uk_coal_employ's binseg is missing (M); apple has no univariate-only methods (empty).
    expect(publishedScore(published.f1, 'bitcoin', 'rbocpdms')).toBeNull();
    expect(publishedScore(published.f1, 'uk_coal_employ', 'binseg')).toBeNull();
    expect(publishedScore(published.f1, 'apple', 'binseg')).toBeNull();
    expect(publishedScore(published.f1, 'apple', 'zero')).toBe(0.594);
    expect(bestPublishedScore(published.f1, 'run_log')).toBe(1);
    // The full tables: a row for each of TCPD's 42 series, a column for each of the 14 methods.
    expect(published.f1.size).toBe(42);
    expect(published.cover.size).toBe(42);
    const { methods } = parsePublishedTable(readFileSync(join(SHARED_PUBLISHED, 'default_f1_combined_full.tex'), 'utf8'), 'f1');
    expect(methods).toEqual(['amoc', 'binseg', 'bocpd', 'bocpdms', 'cpnp', 'ecp', 'kcpa', 'pelt', 'prophet', 'rbocpdms', 'rfpop', 'segneigh', 'wbs', 'zero']);
  });
});
