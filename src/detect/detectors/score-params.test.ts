import { describe, expect, it } from 'vitest';
import { parseNumberParams } from '../params.js';
import { checkRampOrder, scaleFloor, zScoreSpecs } from './score-params.js';

describe('score params', () => {
  it('zScoreSpecs gives the z ramp, level-shift and scale-floor fields with the given ramp defaults', () => {
    expect(parseNumberParams('d', {}, zScoreSpecs(3, 8))).toEqual({ zLow: 3, zHigh: 8, levelShiftPoints: 5, relativeMinScale: 1e-3 });
    expect(() => parseNumberParams('d', { levelShiftPoints: 1 }, zScoreSpecs(3, 8))).toThrow('levelShiftPoints must be an integer >= 2, got 1');
    expect(() => parseNumberParams('d', { relativeMinScale: 2 }, zScoreSpecs(3, 8))).toThrow('relativeMinScale must be a number in [0, 1], got 2');
  });

  it('checkRampOrder names both fields when the ramp does not rise', () => {
    expect(() => checkRampOrder('rcf', { scoreLow: 3, scoreHigh: 3 }, 'scoreLow', 'scoreHigh')).toThrow('cannot parse params of detector rcf: scoreHigh must be > scoreLow (3), got 3');
    expect(() => checkRampOrder('d', { zLow: 3, zHigh: 3.5 }, 'zLow', 'zHigh')).not.toThrow();
  });

  it('scaleFloor grows with the magnitude of the level and stays positive at 0', () => {
    expect(scaleFloor(1e-3, -2000)).toBeCloseTo(2, 6);
    expect(scaleFloor(0, 0)).toBeGreaterThan(0);
  });
});
