import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vigilStdout as vigil } from '../../cli/run-in-process.testsuite.js';
import { CHANGE_POINT_METHOD_IDS, changePointMethod, DEFAULT_CHANGE_POINT_METHOD_ID } from '../../regress/index.js';
import { tcpdJsonReport } from './report.js';
import { runTcpdBenchmark } from './run-benchmark.js';
import { writeTinyTcpd } from './tiny-dataset.testsuite.js';

const dir = writeTinyTcpd();
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('vigil bench tcpd', () => {
  it('--json prints one object, scored with the default method', async () => {
    const printed = (await vigil(['bench', 'tcpd', '--data', dir, '--json'])).trim().split('\n');
    expect(printed).toHaveLength(1);
    const report = JSON.parse(printed[0]!) as Record<string, unknown>;
    const expected = runTcpdBenchmark({ dataDir: dir, method: changePointMethod(DEFAULT_CHANGE_POINT_METHOD_ID) });
    expect(report).toEqual(JSON.parse(JSON.stringify(tcpdJsonReport(expected))));
    expect(report['method']).toBe(DEFAULT_CHANGE_POINT_METHOD_ID);
  });

  it('--method picks another method; the table names it', async () => {
    const other = CHANGE_POINT_METHOD_IDS.find((id) => id !== DEFAULT_CHANGE_POINT_METHOD_ID) ?? DEFAULT_CHANGE_POINT_METHOD_ID;
    const out = await vigil(['bench', 'tcpd', '--data', dir, '--method', other]);
    expect(out).toContain(`TCPD: ${other} (`);
    expect(out).toMatch(/^alpha\s+20\s+1\s/m);
    expect(out).toMatch(/^beta\s+12\s+2\s/m);
    expect(out).toContain('binseg F1 0.698 Cover 0.672');
  });

  it('names the valid methods for an unknown one', async () => {
    await expect(vigil(['bench', 'tcpd', '--data', dir, '--method', 'nope'])).rejects.toThrow(CHANGE_POINT_METHOD_IDS.join(', '));
  });

  it('names a directory without datasets', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-tcpd-empty-'));
    try {
      await expect(vigil(['bench', 'tcpd', '--data', empty])).rejects.toThrow(`cannot read TCPD datasets ${join(empty, 'datasets')}`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
