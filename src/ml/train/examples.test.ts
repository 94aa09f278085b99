import { describe, expect, it } from 'vitest';
import { columnStatistics, examplesFor, gatherBatch, sequenceExamples, windowExamples, type DataTable } from './examples.js';

const table = (columns: string[], rows: number[][]): DataTable => ({ columns, rows: rows.length, values: Float64Array.from(rows.flat()) });

describe('training examples', () => {
  it('slides forecaster windows over every column with column 0 as the target', () => {
    const data = table(['a', 'b'], [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]);
    const examples = windowExamples(data, 2, 2, false);
    expect(examples.count).toBe(2);
    expect(Array.from(examples.inputs)).toEqual([1, 10, 2, 20, 2, 20, 3, 30]);
    expect(Array.from(examples.targets)).toEqual([3, 4, 4, 5]);
    expect(examples.inputs.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('skips windows that touch a missing value', () => {
    const data = table(['a'], [[1], [2], [Number.NaN], [4], [5], [6]]);
    const examples = windowExamples(data, 2, 0, true);
    expect(Array.from(examples.inputs)).toEqual([1, 2, 4, 5, 5, 6]);
    expect(Array.from(examples.targets)).toEqual(Array.from(examples.inputs));
  });

  it('cuts template sequences into windows and their next id', () => {
    const examples = sequenceExamples({ sequences: [Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6)] }, 2);
    expect(examples.count).toBe(2);
    expect(Array.from(examples.inputs)).toEqual([1, 2, 2, 3]);
    expect(Array.from(examples.targets)).toEqual([3, 4]);
  });

  it('refuses data of the wrong form or width for the model', () => {
    const data = table(['a', 'b'], [[1, 2]]);
    expect(() => examplesFor({ kind: 'deeplog', window: 2, vocabularySize: 3, units: 4, layers: 1, seed: 1 }, data)).toThrow(/trains on template-id sequences/);
    expect(() => examplesFor({ kind: 'dense-autoencoder', features: 3, hidden: [2], normalization: { center: [0, 0, 0], scale: [1, 1, 1] }, seed: 1 }, data)).toThrow(/takes 3 features, the data has 2 columns \(a, b\)/);
  });

  it('measures each column ignoring missing values, with scale 1 for a constant column', () => {
    const stats = columnStatistics(table(['a', 'b'], [[1, 5], [3, 5], [Number.NaN, 5]]));
    expect(stats.center).toEqual([2, 5]);
    expect(stats.scale).toEqual([1, 1]);
  });

  it('gathers a batch by index into reusable arrays', () => {
    const examples = windowExamples(table(['a'], [[1], [2], [3], [4]]), 1, 1, false);
    const batch = gatherBatch(examples, [2, 0], new Float32Array(4), new Float32Array(4));
    expect(batch.size).toBe(2);
    expect(Array.from(batch.inputs)).toEqual([3, 1]);
    expect(Array.from(batch.targets)).toEqual([4, 2]);
  });
});
