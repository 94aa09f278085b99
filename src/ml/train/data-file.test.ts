import { describe, expect, it } from 'vitest';
import { parseCsvTable, parseSequences } from './data-file.js';

describe('training data files', () => {
  it('reads a CSV with a time column, keeps missing cells as NaN and rejects bad rows by line', () => {
    const { data, rejected } = parseCsvTable('timestamp,cpu,mem\n1700000000,1,2\n1700000060,,4\n1700000120,x,5\n1700000180,3\n2023-11-14T22:16:00Z,5,6\n');
    expect(data.columns).toEqual(['cpu', 'mem']);
    expect(data.rows).toBe(3);
    expect(Array.from(data.values)).toEqual([1, 2, Number.NaN, 4, 5, 6]);
    expect(Array.from(data.timestampsMs!)).toEqual([1_700_000_000_000, 1_700_000_060_000, Date.parse('2023-11-14T22:16:00Z')]);
    expect(rejected).toEqual([
      { line: 4, reason: 'column cpu: "x" is not a number' },
      { line: 5, reason: 'expected 3 cells, got 2' },
    ]);
  });

  it('reads a headerless CSV as numbered columns', () => {
    const { data } = parseCsvTable('1,2\n3,4\n');
    expect(data.columns).toEqual(['column0', 'column1']);
    expect(data.timestampsMs).toBeUndefined();
  });

  it('reads template-id sequences, ignoring a leading label, and rejects bad tokens by line', () => {
    const { data, rejected } = parseSequences('blk_1,5 5 22 11\n3,4,5\n# note\n1 2 x\n');
    expect(data.sequences.map((s) => Array.from(s))).toEqual([[5, 5, 22, 11], [3, 4, 5]]);
    expect(rejected).toEqual([{ line: 4, reason: '"x" is not a template id (a non-negative integer)' }]);
  });
});
