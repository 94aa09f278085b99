import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import type { Detector } from '../detector.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { contextOse } from './context-ose.js';
import { scoresEveryMinute } from './trace.testsuite.js';

runDetectorSuite(contextOse);
// Small pools: the memory evicts all along, and snapshots taken mid-eviction must continue identically
// (small pools leave more of pure noise unexplained, hence the higher floor of the score).
runDetectorSuite(contextOse, { maxContexts: 512, maxLefts: 256, scoreLow: 0.7 });

const START_MS = Date.UTC(2024, 0, 1);

function scores(detector: Detector, values: ArrayLike<number>, fromMinute = 0): number[] {
  return scoresEveryMinute(detector, values, START_MS, fromMinute);
}

describe('context-ose', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => contextOse.parseParams({ bits: 9 })).toThrow('cannot parse params of detector context-ose: bits must be an integer in [1, 8], got 9');
    expect(() => contextOse.parseParams({ maxContexts: 64 })).toThrow('maxContexts must be an integer in [128, 1048576], got 64');
    expect(() => contextOse.parseParams({ scoreLow: 0.8, scoreHigh: 0.7 })).toThrow('scoreHigh must be > scoreLow (0.8), got 0.7');
    expect(contextOse.parseParams({ restPoints: 0 })).toMatchObject({ restPoints: 0, bits: 4 });
  });

  it('learns a repeating shape and flags a break in it whose values are all ordinary', () => {
    // A saw tooth 0..9 repeated; at 2000 the tooth runs backwards for a while.
    const tooth = (i: number): number => (i >= 2000 && i < 2010 ? 9 - (i % 10) : i % 10);
    const { values } = makeSeries(2100, START_MS, MINUTE_MS, (_t, i) => tooth(i));
    const out = scores(contextOse.create(contextOse.parseParams({ restPoints: 0 })), values);
    expect(Math.max(...out.slice(1000, 2000))).toBe(0);
    expect(Math.max(...out.slice(2000, 2010))).toBeGreaterThan(0.99);
  });

  it('scores 0 through the warm-up the caller gives, and sets its range from those values only', () => {
    const noise = seededGaussian(31);
    const { values } = makeSeries(1200, START_MS, MINUTE_MS, (_t, i) => 20 + noise() + (i === 300 ? 50 : 0) + (i === 1100 ? 50 : 0));
    const out = scores(contextOse.create(contextOse.parseParams({}), { warmupPoints: 400 }), values);
    expect(out.slice(0, 400).every((s) => s === 0)).toBe(true);
    // The warm-up's own spike widened its range: a second spike of the same size is no new extreme, yet
    // the context around it is new.
    expect(out[1100]).toBeGreaterThan(0.9);
  });

  it('rests after an alarm: the next restPoints points score 0 whatever comes', () => {
    const noise = seededGaussian(32);
    const { values } = makeSeries(1000, START_MS, MINUTE_MS, (_t, i) => 5 + 0.1 * noise() + (i === 800 || i === 810 ? 40 * (i - 790) : 0));
    const resting = scores(contextOse.create(contextOse.parseParams({ restPoints: 30 })), values);
    const eager = scores(contextOse.create(contextOse.parseParams({ restPoints: 0 })), values);
    expect(resting[800]).toBeGreaterThan(0.99);
    expect(eager[810]).toBeGreaterThan(0.99);
    expect(resting.slice(801, 831).every((s) => s === 0)).toBe(true);
  });

  it('scores a flat series 0 and its first change high', () => {
    const detector = contextOse.create(contextOse.parseParams({}));
    expect(Math.max(...scores(detector, new Array<number>(600).fill(3)))).toBe(0);
    expect(detector.update(START_MS + 600 * MINUTE_MS, 4)).toBeGreaterThan(0.99);
    expect(detector.lastKind).toBe('spike');
    expect(detector.lastExpected).toBe(3);
  });

  it('holds bounded memory on a long noisy stream', () => {
    const detector = contextOse.create(contextOse.parseParams({ maxContexts: 256, maxLefts: 128 })) as Detector & { sizeBytes: number };
    const noise = seededGaussian(33);
    const bytes = detector.sizeBytes;
    scores(detector, makeSeries(20_000, START_MS, MINUTE_MS, () => noise()).values);
    expect(detector.sizeBytes).toBe(bytes);
    expect(JSON.stringify(detector.snapshot()).length).toBeLessThan(40_000);
  });

  it('restores only a state of the same shape, naming what differs', () => {
    const detector = contextOse.create(contextOse.parseParams({}));
    scores(detector, makeSeries(400, START_MS, MINUTE_MS, (_t, i) => i % 7).values);
    const other = contextOse.create(contextOse.parseParams({ bits: 3 }));
    expect(() => other.restore(detector.snapshot())).toThrow('cannot restore detector context-ose: memory was written with bits 4, expected 3');
    const state = detector.snapshot();
    expect(() => contextOse.create(contextOse.parseParams({})).restore({ ...state, data: { ...(state.data as object), low: 5, high: 1 } })).toThrow(/low and high/);
  });
});
