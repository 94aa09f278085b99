import { describe, expect, it } from 'vitest';
import { ladderStepSec, medianSpacingSec, mostCommon, stepForSpacingSec } from './step.js';
import { bucketRange } from './series-data.js';

describe('step choice', () => {
  it('snaps a spacing to the ladder step that holds about one point each', () => {
    expect(stepForSpacingSec(10)).toBe(10);
    expect(stepForSpacingSec(10.4)).toBe(10);
    expect(stepForSpacingSec(11)).toBe(15);
    expect(stepForSpacingSec(60.5)).toBe(60);
    expect(stepForSpacingSec(7)).toBe(10);
    expect(ladderStepSec(0.2)).toBe(1);
    expect(ladderStepSec(700_000)).toBe(9 * 86_400);
  });

  it('measures the median gap between non-empty buckets, at least the bucket', () => {
    expect(medianSpacingSec(Float64Array.of(0, 60_000, 120_000, 300_000, 360_000), 1)).toBe(60);
    expect(medianSpacingSec(Float64Array.of(0, 5_000, 10_000), 5)).toBe(5);
    expect(medianSpacingSec(Float64Array.of(0), 1)).toBeNull();
    expect(mostCommon([60, 10, 60, 10])).toBe(10);
    expect(mostCommon([])).toBeNull();
  });

  it("reads whisper's buckets: from the step after from, to the step holding until", () => {
    expect(bucketRange(60, 1000, 1200)).toEqual({ startSec: 1020, endSec: 1260 });
    expect(bucketRange(60, 960, 1200)).toEqual({ startSec: 1020, endSec: 1260 });
    expect(bucketRange(60, 1001, 1002)).toEqual({ startSec: 1020, endSec: 1080 });
  });
});
