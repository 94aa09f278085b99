import { describe, expect, it } from 'vitest';
import { detectionQuality } from './metrics.js';

describe('detection quality', () => {
  it('computes precision, recall and F1 from the counts', () => {
    const q = detectionQuality({ truePositives: 8, falsePositives: 2, falseNegatives: 4, trueNegatives: 86 });
    expect(q.precision).toBeCloseTo(0.8, 12);
    expect(q.recall).toBeCloseTo(8 / 12, 12);
    expect(q.f1).toBeCloseTo((2 * 0.8 * (8 / 12)) / (0.8 + 8 / 12), 12);
  });

  it('is zero, not NaN, when nothing is flagged', () => {
    expect(detectionQuality({ truePositives: 0, falsePositives: 0, falseNegatives: 5, trueNegatives: 5 })).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});
