import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTcpdDatasets } from './data.js';
import { parseTcpdDatasetFile } from './dataset-file.js';
import { datasetJson, TINY_ALPHA, writeTinyTcpd } from './tiny-dataset.testsuite.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tiny(): string {
  const dir = writeTinyTcpd({ published: false });
  dirs.push(dir);
  return dir;
}

describe('loadTcpdDatasets', () => {
  it('reads every dataset by name with its annotations; null becomes NaN', () => {
    const [alpha, beta] = loadTcpdDatasets(tiny());
    expect(alpha).toMatchObject({ name: 'alpha', nObs: 20, nDim: 1 });
    expect([...alpha!.series[0]!]).toEqual(TINY_ALPHA);
    expect([...alpha!.annotations]).toEqual([
      ['1', [10]],
      ['2', [10, 15]],
    ]);
    expect(beta).toMatchObject({ name: 'beta', nObs: 12, nDim: 2 });
    expect(beta!.series).toHaveLength(2);
    expect(beta!.series[0]![3]).toBeNaN();
    expect(beta!.series[1]![3]).toBe(3);
  });

  it('names a missing datasets directory or annotations file', () => {
    const dir = tiny();
    rmSync(join(dir, 'annotations.json'));
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot read TCPD annotations ${join(dir, 'annotations.json')}`);
    rmSync(join(dir, 'datasets'), { recursive: true });
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot read TCPD datasets ${join(dir, 'datasets')}`);
  });

  it('names a dataset that has no annotations', () => {
    const dir = tiny();
    writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ alpha: { '1': [10] }, beta: {} }));
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot load TCPD dataset beta: ${join(dir, 'annotations.json')} has no annotations for it`);
    writeFileSync(join(dir, 'annotations.json'), JSON.stringify({ alpha: { '1': [10] } }));
    expect(() => loadTcpdDatasets(dir)).toThrow('cannot load TCPD dataset beta:');
  });

  it('names the dataset, annotator and index of a bad annotation', () => {
    const dir = tiny();
    const path = join(dir, 'annotations.json');
    writeFileSync(path, JSON.stringify({ alpha: { '1': [10], '7': [25] }, beta: { '1': [] } }));
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot load TCPD annotations ${path}: field alpha.7 holds 25, past n_obs 20`);
    writeFileSync(path, JSON.stringify({ alpha: { '1': [10, 'x'] }, beta: { '1': [] } }));
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot load TCPD annotations ${path}: field alpha.1 holds "x", not a non-negative integer index`);
    writeFileSync(path, JSON.stringify({ alpha: { '1': 10 } }));
    expect(() => loadTcpdDatasets(dir)).toThrow('field alpha.1 must be an array of indices');
    writeFileSync(path, '{');
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot load TCPD annotations ${path}:`);
  });

  it("refuses a file whose name field is not the file's name", () => {
    const dir = tiny();
    writeFileSync(join(dir, 'datasets', 'beta.json'), datasetJson('alpha', [[1, 2]]));
    expect(() => loadTcpdDatasets(dir)).toThrow(`cannot load TCPD dataset ${join(dir, 'datasets', 'beta.json')}: field name is "alpha", not the file's name`);
  });
});

describe('parseTcpdDatasetFile', () => {
  const good = { name: 'x', n_obs: 3, n_dim: 1, time: { index: [0, 1, 2] }, series: [{ raw: [1, null, 3] }] };
  const parse = (json: object): unknown => parseTcpdDatasetFile(JSON.stringify(json), 'x.json');

  it('parses a good file', () => {
    const parsed = parseTcpdDatasetFile(JSON.stringify(good), 'x.json');
    expect(parsed.nObs).toBe(3);
    expect([...parsed.series[0]!]).toEqual([1, Number.NaN, 3]);
  });

  it('names the file and the field at fault', () => {
    expect(() => parseTcpdDatasetFile('[', 'x.json')).toThrow('cannot load TCPD dataset x.json:');
    expect(() => parse({ ...good, name: 7 })).toThrow('cannot load TCPD dataset x.json: field name must be a non-empty string');
    expect(() => parse({ ...good, n_obs: 0 })).toThrow('field n_obs must be a positive integer, not 0');
    expect(() => parse({ ...good, n_dim: '1' })).toThrow('field n_dim must be a positive integer, not "1"');
    expect(() => parse({ ...good, time: {} })).toThrow('field time.index must be an array');
    expect(() => parse({ ...good, time: { index: [0, 1] } })).toThrow('field time.index has 2 entries, n_obs is 3');
    expect(() => parse({ ...good, n_dim: 2 })).toThrow('field series has 1 entries, n_dim is 2');
    expect(() => parse({ ...good, series: [{ raw: [1, 2] }] })).toThrow('field series[0].raw has 2 values, n_obs is 3');
    expect(() => parse({ ...good, series: [{ raw: [1, '2', 3] }] })).toThrow('field series[0].raw[1] must be a number or null, not "2"');
    expect(() => parse({ ...good, series: [{}] })).toThrow('field series[0].raw must be an array of numbers');
  });
});
