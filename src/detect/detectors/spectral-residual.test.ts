import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { madZScore } from './mad-zscore.js';
import { spectralResidual } from './spectral-residual.js';
import { feed } from './trace.testsuite.js';

runDetectorSuite(spectralResidual);

const START_MS = Date.UTC(2024, 0, 1);

/** A sine of period 16 points between 0 and 20 with noise of sd 0.2, and a spike of +4 at `spikeAt`. */
function sineWithSpike(spikeAt: number): { timestampsMs: Float64Array; values: Float64Array } {
  const noise = seededGaussian(41);
  return makeSeries(3000, START_MS, MINUTE_MS, (_t, i) => 10 + 10 * Math.sin((2 * Math.PI * i) / 16) + 0.2 * noise() + (i === spikeAt ? 4 : 0));
}

describe('spectral-residual', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => spectralResidual.parseParams({ fftSize: 100 })).toThrow('cannot parse params of detector spectral-residual: fftSize must be a power of two, got 100');
    expect(() => spectralResidual.parseParams({ fftSize: 8 })).toThrow('fftSize must be an integer in [16, 1024], got 8');
    expect(() => spectralResidual.parseParams({ magnitudeWindow: 4 })).toThrow('magnitudeWindow must be odd, got 4');
    expect(() => spectralResidual.parseParams({ extensionPoints: 17 })).toThrow('extensionPoints must be <= fftSize / 4 (16), got 17');
    expect(() => spectralResidual.parseParams({ fftSize: 32, saliencyWindow: 40 })).toThrow('saliencyWindow must be <= 31 (the window\'s points less one), got 40');
    expect(() => spectralResidual.parseParams({ extensionPoints: 5, slopePoints: 60 })).toThrow('slopePoints must be <= 57 (the window\'s points less two), got 60');
    expect(spectralResidual.parseParams({})).toMatchObject({ fftSize: 64, extensionPoints: 0, magnitudeWindow: 3, saliencyWindow: 21 });
  });

  it('flags a spike on a sine that a rolling z-score misses', () => {
    // At a crest of the sine: 4 above its usual peak, well within a rolling window's spread.
    const spikeAt = 2500;
    const { timestampsMs, values } = sineWithSpike(spikeAt);
    const { scores, kinds } = feed(spectralResidual.create(spectralResidual.parseParams({})), timestampsMs, values);
    const rolling = feed(madZScore.create(madZScore.parseParams({})), timestampsMs, values);
    expect(scores[spikeAt]).toBeGreaterThanOrEqual(0.99);
    expect(kinds[spikeAt]).toBe('spike');
    expect(rolling.scores[spikeAt]).toBe(0);
    const normal = scores.slice(200).filter((_, i) => i + 200 !== spikeAt);
    expect(normal.filter((s) => s < 0.5).length / normal.length).toBeGreaterThanOrEqual(0.99);
  });

  it("with the paper's estimated extension points, flags a spike on noise", () => {
    const noise = seededGaussian(42);
    const spikeAt = 1500;
    const { timestampsMs, values } = makeSeries(2000, START_MS, MINUTE_MS, (_t, i) => 100 + noise() + (i === spikeAt ? 20 : 0));
    const { scores } = feed(spectralResidual.create(spectralResidual.parseParams({ extensionPoints: 5 })), timestampsMs, values);
    expect(scores[spikeAt]).toBeGreaterThanOrEqual(0.99);
    const normal = scores.filter((_, i) => i !== spikeAt);
    expect(normal.filter((s) => s < 0.5).length / normal.length).toBeGreaterThanOrEqual(0.99);
  });

  it("scores nothing before the window is full and the caller's warm-up is over", () => {
    const { timestampsMs, values } = sineWithSpike(404);
    const own = feed(spectralResidual.create(spectralResidual.parseParams({})), timestampsMs, values);
    expect(own.scores.slice(0, 128).every((s) => s === 0)).toBe(true);
    const short = feed(spectralResidual.create(spectralResidual.parseParams({}), { warmupPoints: 0 }), timestampsMs, values);
    expect(short.scores.slice(0, 64 + 16 - 1).every((s) => s === 0)).toBe(true);
    expect(short.scores[404]).toBeGreaterThanOrEqual(0.99);
    const long = feed(spectralResidual.create(spectralResidual.parseParams({}), { warmupPoints: 500 }), timestampsMs, values);
    expect(long.scores.slice(0, 500).every((s) => s === 0)).toBe(true);
  });

  it('scores a flat series 0 and the first change after it high', () => {
    const detector = spectralResidual.create(spectralResidual.parseParams({}));
    for (let i = 0; i < 300; i++) expect(detector.update(START_MS + i * MINUTE_MS, 42)).toBe(0);
    expect(detector.update(START_MS + 300 * MINUTE_MS, 45)).toBeGreaterThanOrEqual(0.99);
    expect(detector.lastExpected).toBe(42);
  });

  it('restores into a smaller window keeping the newest values', () => {
    const big = spectralResidual.create(spectralResidual.parseParams({ fftSize: 128 }));
    for (let i = 0; i < 200; i++) big.update(START_MS + i * MINUTE_MS, i < 150 ? 0 : 1);
    const small = spectralResidual.create(spectralResidual.parseParams({ fftSize: 32 }));
    small.restore(big.snapshot());
    small.update(START_MS + 200 * MINUTE_MS, 1);
    // The 31 values before the newest are all from the newest 50: all 1.
    expect(small.lastExpected).toBe(1);
  });
});
