import { describe, expect, it } from 'vitest';
import { seededRandom } from '../synthetic-series.testsuite.js';
import {
  AnomalyLikelihood,
  DEFAULT_ANOMALY_LIKELIHOOD_OPTIONS,
  logNormalTail,
  readAnomalyLikelihoodState,
  scoreOfSurprise,
  surpriseOfBlockMaximum,
} from './anomaly-likelihood.js';
import type { AnomalyLikelihoodOptions, LikelihoodModel } from './anomaly-likelihood.js';

const BLOCK_MAXIMA: AnomalyLikelihoodOptions = { ...DEFAULT_ANOMALY_LIKELIHOOD_OPTIONS, model: 'block-maxima', minLocation: 0.01, minScale: 0.01, alarmSurprise: 1.5 };
const OPTIONS: Record<LikelihoodModel, AnomalyLikelihoodOptions> = { gaussian: DEFAULT_ANOMALY_LIKELIHOOD_OPTIONS, 'block-maxima': BLOCK_MAXIMA };

/** Raw scores of a detector that is mildly noisy all the time: uniform in [0, 0.3]. */
function noisyRawScores(seed: number, length: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length }, () => 0.3 * random());
}

describe('normal tail and surprise', () => {
  it('computes ln P(Z > z) accurately, far into the tail', () => {
    expect(logNormalTail(0)).toBeCloseTo(Math.log(0.5), 6);
    expect(logNormalTail(1.959964)).toBeCloseTo(Math.log(0.025), 5);
    expect(logNormalTail(-1.959964)).toBeCloseTo(Math.log(0.975), 6);
    expect(logNormalTail(5)).toBeCloseTo(Math.log(2.866516e-7), 5);
    // Both branches agree where they meet, and the far tail does not underflow.
    expect(logNormalTail(8)).toBeCloseTo(Math.log(6.220961e-16), 4);
    expect(logNormalTail(8.0001)).toBeCloseTo(logNormalTail(8), 2);
    expect(logNormalTail(40)).toBeCloseTo(-(40 * 40) / 2 - Math.log(40) - 0.5 * Math.log(2 * Math.PI) - 1 / (40 * 40), 5);
  });

  it('gives the Gumbel tail of a block maximum: typical maxima are unsurprising, far ones are', () => {
    // At the location, P(max >= x) = 1 - 1/e.
    expect(surpriseOfBlockMaximum(0.2, 0.2, 0.05)).toBeCloseTo(-Math.log10(1 - Math.exp(-1)), 10);
    expect(surpriseOfBlockMaximum(0, 0.2, 0.05)).toBeLessThan(1e-10);
    // Far out the tail is exp(-y): 40 scales above the location is a surprise of 40 / ln 10.
    expect(surpriseOfBlockMaximum(2.2, 0.2, 0.05)).toBeCloseTo(40 / Math.LN10, 10);
  });

  it('scores the alarm surprise 0.99, ordinary surprises low, and rarer always higher', () => {
    expect(scoreOfSurprise(0, 5)).toBe(0);
    expect(scoreOfSurprise(5, 5)).toBeCloseTo(0.99, 12);
    expect(scoreOfSurprise(1, 5)).toBeLessThan(0.2);
    let previous = 0;
    for (let s = 0.5; s <= 100; s += 0.5) {
      const score = scoreOfSurprise(s, 5);
      expect(score).toBeGreaterThan(previous);
      expect(score).toBeLessThan(1);
      previous = score;
    }
  });
});

describe('AnomalyLikelihood', () => {
  for (const model of ['gaussian', 'block-maxima'] as const) {
    describe(model, () => {
      it('scores 0 until the first block of history is complete, after the learning points', () => {
        const likelihood = new AnomalyLikelihood({ ...OPTIONS[model], blockPoints: 50, learningPoints: 30 });
        for (let i = 0; i < 80; i++) expect(likelihood.update(i === 40 ? 1 : 0.1)).toBe(0);
        expect(likelihood.ready).toBe(true);
        expect(likelihood.update(1)).toBeGreaterThan(0);
      });

      it('gives a stable raw score stream a low likelihood, a burst a high one', () => {
        const likelihood = new AnomalyLikelihood(OPTIONS[model]);
        const scores = noisyRawScores(7, 5000).map((raw) => likelihood.update(raw));
        const quiet = scores.slice(200).filter((s) => s < 0.5).length / (scores.length - 200);
        expect(quiet).toBeGreaterThan(0.99);
        expect(Math.max(...scores.slice(200))).toBeLessThan(0.99);
        // A burst: the detector scores near 1 for a few points in a row.
        const burst = [0.95, 0.97, 0.99, 0.98, 0.96].map((raw) => likelihood.update(raw));
        expect(Math.max(...burst)).toBeGreaterThanOrEqual(0.99);
        expect(likelihood.lastSurprise).toBeGreaterThanOrEqual(OPTIONS[model].alarmSurprise);
      });

      it('judges a noisy detector against its own noise: the same raw burst is less surprising after bursts', () => {
        const quietHistory = new AnomalyLikelihood(OPTIONS[model]);
        const burstyHistory = new AnomalyLikelihood(OPTIONS[model]);
        const random = seededRandom(3);
        for (let i = 0; i < 4000; i++) {
          quietHistory.update(0.05 * random());
          burstyHistory.update(i % 300 < 5 ? 0.8 : 0.05 * random());
        }
        for (const raw of [0.8, 0.8, 0.8]) {
          quietHistory.update(raw);
          burstyHistory.update(raw);
        }
        expect(quietHistory.lastSurprise).toBeGreaterThan(2 * burstyHistory.lastSurprise);
      });

      it('restores a snapshot (also through JSON) and continues identically', () => {
        const options = { ...OPTIONS[model], learningPoints: 100 };
        const original = new AnomalyLikelihood(options);
        const raws = noisyRawScores(11, 6000);
        raws[4500] = 1;
        raws[4501] = 1;
        for (let i = 0; i < 3333; i++) original.update(raws[i]!);
        const snapshot = original.snapshot();
        const restored = new AnomalyLikelihood(options);
        restored.restore(readAnomalyLikelihoodState(JSON.parse(JSON.stringify(snapshot)), options, 'test', 'likelihood'));
        for (let i = 3333; i < raws.length; i++) {
          expect(restored.update(raws[i]!)).toBe(original.update(raws[i]!));
          expect(restored.lastSurprise).toBe(original.lastSurprise);
        }
        expect(restored.snapshot()).toEqual(original.snapshot());
      });
    });
  }

  it('clamps raw scores to [0, 1] and treats NaN as 0', () => {
    const a = new AnomalyLikelihood({ ...BLOCK_MAXIMA, blockPoints: 10 });
    const b = new AnomalyLikelihood({ ...BLOCK_MAXIMA, blockPoints: 10 });
    const raws = [5, -1, NaN, 0.5, 2, 0, 0.2, 7, -3, 0.1, 9, 0.4];
    for (const raw of raws) expect(a.update(raw)).toBe(b.update(Math.min(1, Math.max(0, Number.isNaN(raw) ? 0 : raw))));
  });

  it('holds its history in a few fixed buffers', () => {
    expect(new AnomalyLikelihood(BLOCK_MAXIMA).sizeBytes).toBe(8 * (10 + 32));
    expect(new AnomalyLikelihood(DEFAULT_ANOMALY_LIKELIHOOD_OPTIONS).sizeBytes).toBe(8 * (10 + 2 * 32));
  });

  it('keeps the state of each model in plain arrays of fixed length', () => {
    const likelihood = new AnomalyLikelihood({ ...DEFAULT_ANOMALY_LIKELIHOOD_OPTIONS, blockPoints: 5 });
    for (let i = 0; i < 23; i++) likelihood.update(i / 100);
    const state = likelihood.snapshot();
    expect(state).toMatchObject({ seen: 23, blockCount: 3, blocksFilled: 4, blockHead: 4 });
    expect(state.recent).toHaveLength(10);
    expect(state.blocks).toHaveLength(64);
    expect(new AnomalyLikelihood(BLOCK_MAXIMA).snapshot().blocks).toHaveLength(32);
  });

  it('rejects bad options naming them', () => {
    expect(() => new AnomalyLikelihood({ ...BLOCK_MAXIMA, blockPoints: 0 })).toThrow('cannot create anomaly likelihood: blockPoints must be a positive integer, got 0');
    expect(() => new AnomalyLikelihood({ ...BLOCK_MAXIMA, learningPoints: -1 })).toThrow(/learningPoints must be a non-negative integer/);
    expect(() => new AnomalyLikelihood({ ...BLOCK_MAXIMA, minScale: 0 })).toThrow(/minScale must be > 0/);
    expect(() => new AnomalyLikelihood({ ...BLOCK_MAXIMA, model: 'poisson' as LikelihoodModel })).toThrow(/model must be gaussian or block-maxima, got poisson/);
  });

  it('refuses a state that does not fit the options, naming the field', () => {
    const state = new AnomalyLikelihood(BLOCK_MAXIMA).snapshot();
    const read = (patch: Record<string, unknown>): unknown => readAnomalyLikelihoodState({ ...state, ...patch }, BLOCK_MAXIMA, 'ensemble', 'likelihoods[1]');
    expect(() => read({ recent: [1, 2] })).toThrow('cannot restore detector ensemble: likelihoods[1].recent must be an array of 10 finite numbers');
    expect(() => read({ blockCount: 100 })).toThrow('likelihoods[1].blockCount must be an integer in [0, 99], got 100');
    expect(() => read({ blockMax: 'x' })).toThrow('likelihoods[1].blockMax must be a finite number, got "x"');
    expect(() => readAnomalyLikelihoodState(null, BLOCK_MAXIMA, 'ensemble', 'likelihoods[0]')).toThrow('likelihoods[0] must be an object');
  });
});
