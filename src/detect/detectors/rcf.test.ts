import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import type { Detector } from '../detector.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { rcf } from './rcf.js';
import { scoresEveryMinute } from './trace.testsuite.js';

runDetectorSuite(rcf);
// Shingles and a short decay horizon (the value window wraps and drops old sample points) meet the contract too.
runDetectorSuite(rcf, { trees: 5, sampleSize: 64, shingleSize: 4, decayHorizon: 1, minPoints: 300, scoreHigh: 4 });

const START_MS = Date.UTC(2024, 0, 1);

function scores(detector: Detector, values: ArrayLike<number>): number[] {
  return scoresEveryMinute(detector, values, START_MS);
}

describe('rcf', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => rcf.parseParams({ trees: 0 })).toThrow('cannot parse params of detector rcf: trees must be an integer in [1, 255], got 0');
    expect(() => rcf.parseParams({ sampleSize: 8 })).toThrow('sampleSize must be an integer in [16, 32766], got 8');
    expect(() => rcf.parseParams({ scoreLow: 3, scoreHigh: 2 })).toThrow('scoreHigh must be > scoreLow (3), got 2');
    expect(() => rcf.parseParams({ sampleSize: 16, shingleSize: 16 })).toThrow('shingleSize must be < sampleSize (16), got 16');
    expect(rcf.parseParams({ trees: 3 })).toMatchObject({ trees: 3, sampleSize: 1024, shingleSize: 1 });
  });

  it('scores 0 for the warm-up the caller gives, then judges', () => {
    const noise = seededGaussian(21);
    const { values } = makeSeries(700, START_MS, MINUTE_MS, (_t, i) => 10 + noise() + (i === 450 ? -15 : i === 650 ? 15 : 0));
    const detector = rcf.create(rcf.parseParams({}), { warmupPoints: 500 });
    const out = scores(detector, values);
    expect(out.slice(0, 500).every((s) => s === 0)).toBe(true);
    expect(out[650]).toBeGreaterThan(0.99);
  });

  it('with shingles, flags a broken shape whose values are all ordinary', () => {
    // A sine of period 40 that jumps half a period at 3010: from its peak straight to its trough.
    const period = 40;
    const { values } = makeSeries(3200, START_MS, MINUTE_MS, (_t, i) => Math.sin((2 * Math.PI * (i + (i >= 3010 ? period / 2 : 0))) / period));
    const shingled = scores(rcf.create(rcf.parseParams({ shingleSize: 4, sampleSize: 256 })), values);
    const single = scores(rcf.create(rcf.parseParams({ sampleSize: 256 })), values);
    expect(Math.max(...shingled.slice(3010, 3014))).toBeGreaterThan(0.5);
    expect(Math.max(...shingled.slice(300, 3010))).toBe(0);
    expect(Math.max(...single)).toBe(0);
  });

  it('follows a level shift: the new level stops scoring once the time-decayed sample holds it', () => {
    const noise = seededGaussian(22);
    const shiftAt = 2000;
    const { values } = makeSeries(8000, START_MS, MINUTE_MS, (_t, i) => 50 + noise() + (i >= shiftAt ? 30 : 0));
    const out = scores(rcf.create(rcf.parseParams({ sampleSize: 256, decayHorizon: 2 })), values);
    expect(out[shiftAt]).toBeGreaterThan(0.99);
    const late = out.slice(6000);
    expect(late.filter((s) => s >= 0.5).length).toBeLessThan(0.01 * late.length);
  });

  it('scores a flat series 0 and its first change high', () => {
    const detector = rcf.create(rcf.parseParams({}));
    const out = scores(detector, new Array<number>(600).fill(7));
    expect(Math.max(...out)).toBe(0);
    expect(detector.update(START_MS + 600 * MINUTE_MS, 7.5)).toBeGreaterThan(0.99);
    expect(detector.lastKind).toBe('spike');
    expect(detector.lastExpected).toBe(7);
  });

  it('holds bounded memory: its typed arrays do not grow with the stream', () => {
    const detector = rcf.create(rcf.parseParams({ trees: 4, sampleSize: 128, decayHorizon: 1 })) as Detector & { sizeBytes: number };
    const noise = seededGaussian(23);
    scores(detector, makeSeries(500, START_MS, MINUTE_MS, () => noise()).values);
    const early = detector.sizeBytes;
    const snapshotEarly = JSON.stringify(detector.snapshot()).length;
    for (let i = 500; i < 20_000; i++) detector.update(START_MS + i * MINUTE_MS, noise());
    expect(detector.sizeBytes).toBe(early);
    expect(JSON.stringify(detector.snapshot()).length).toBeLessThan(3 * snapshotEarly);
  });

  it('restores into an equal forest only, naming what does not fit', () => {
    const detector = rcf.create(rcf.parseParams({ trees: 3, sampleSize: 32 }));
    for (let i = 0; i < 200; i++) detector.update(START_MS + i * MINUTE_MS, i % 7);
    const state = detector.snapshot();
    const data = state.data as { forest: { trees: string[]; samples: string[] } };
    expect(() => rcf.create(rcf.parseParams({ trees: 4, sampleSize: 32 })).restore(state)).toThrow('cannot restore detector rcf: forest.trees must hold 4 trees');
    const swapped = { ...state, data: { ...data, forest: { ...data.forest, samples: [data.forest.samples[1], data.forest.samples[0], data.forest.samples[2]] } } };
    expect(() => rcf.create(rcf.parseParams({ trees: 3, sampleSize: 32 })).restore(swapped)).toThrow(/forest\.(samples|trees)\[0\]/);
    const broken = { ...state, data: { ...data, forest: { ...data.forest, trees: ['!!', ...data.forest.trees.slice(1)] } } };
    expect(() => rcf.create(rcf.parseParams({ trees: 3, sampleSize: 32 })).restore(broken)).toThrow('cannot restore detector rcf: forest.trees[0] must be a base64 string');
  });
});
