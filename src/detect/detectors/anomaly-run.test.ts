import { describe, expect, it } from 'vitest';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';

describe('AnomalyRun', () => {
  it('makes a level shift after levelShiftPoints anomalies on one side, not before', () => {
    const run = new AnomalyRun(3);
    expect(run.extend(10, 0)).toBe(false);
    expect(run.extend(10, 0)).toBe(false);
    expect(run.extend(10, 0)).toBe(true);
    expect(run.extend(10, 0)).toBe(true);
    expect(run.snapshot()).toEqual({ runSide: 1, runLength: 4 });
  });

  it('starts over when the side changes or a point is not anomalous', () => {
    const run = new AnomalyRun(2);
    run.extend(10, 0);
    expect(run.extend(-10, 0)).toBe(false);
    expect(run.snapshot()).toEqual({ runSide: -1, runLength: 1 });
    run.reset();
    expect(run.snapshot()).toEqual({ runSide: 0, runLength: 0 });
    expect(run.extend(-10, 0)).toBe(false);
    expect(run.extend(-10, 0)).toBe(true);
  });

  it('names an anomalous point a spike, then a level shift once the run is long enough; a normal point has no kind and ends the run', () => {
    const run = new AnomalyRun(2);
    expect(run.kindOf(true, 10, 0)).toBe('spike');
    expect(run.kindOf(true, 10, 0)).toBe('level_shift');
    expect(run.kindOf(false, 10, 0)).toBeNull();
    expect(run.snapshot()).toEqual({ runSide: 0, runLength: 0 });
    expect(run.kindOf(true, -10, 0)).toBe('spike');
  });

  it('restores a snapshot and continues the run, normalising side and length', () => {
    const run = new AnomalyRun(3);
    run.restore({ runSide: 1, runLength: 2 });
    expect(run.extend(10, 0)).toBe(true);
    run.restore({ runSide: -7, runLength: 2.9 });
    expect(run.snapshot()).toEqual({ runSide: -1, runLength: 2 });
    run.restore({ runSide: 1, runLength: -4 });
    expect(run.snapshot()).toEqual({ runSide: 1, runLength: 0 });
  });

  it('reads runSide and runLength from state data, naming the detector and field when one is wrong', () => {
    expect(readAnomalyRun({ runSide: -1, runLength: 3, other: 'x' }, 'd')).toEqual({ runSide: -1, runLength: 3 });
    expect(() => readAnomalyRun({ runSide: 1 }, 'mad-zscore')).toThrow('cannot restore detector mad-zscore: runLength must be a finite number, got undefined');
    expect(() => readAnomalyRun({ runSide: 'up', runLength: 1 }, 'd')).toThrow('cannot restore detector d: runSide must be a finite number');
  });
});
