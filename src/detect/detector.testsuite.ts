import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../model/index.js';
import type { Detector, DetectorDefinition } from './detector.js';
import { makeSeries, seededGaussian } from './synthetic-series.testsuite.js';

const START_MS = Date.UTC(2024, 0, 1);
const POINTS = 4000;
const SPIKE_INDEX = 3500;

/** Noisy level (mean 100, sd 1) at one point a minute, with a 20-sd spike at SPIKE_INDEX. */
function noisySeries(seed: number, withSpike: boolean): { timestampsMs: Float64Array; values: Float64Array } {
  const noise = seededGaussian(seed);
  return makeSeries(POINTS, START_MS, MINUTE_MS, (_t, i) => 100 + noise() + (withSpike && i === SPIKE_INDEX ? 20 : 0));
}

interface Observation {
  score: number;
  kind: string | null;
  expected: number;
}

function run(detector: Detector, timestampsMs: ArrayLike<number>, values: ArrayLike<number>, from = 0, to = values.length): Observation[] {
  const out: Observation[] = [];
  for (let i = from; i < to; i++) {
    const score = detector.update(timestampsMs[i]!, values[i]!);
    out.push({ score, kind: detector.lastKind, expected: detector.lastExpected });
  }
  return out;
}

/**
 * The contract every detector meets (see detector.ts). `sampleParams` are raw params under which the
 * suite's data (4000 points a minute apart, about 2.8 days) is enough to warm the detector up.
 */
export function runDetectorSuite(definition: DetectorDefinition, sampleParams: Record<string, unknown> = {}): void {
  const create = (): Detector => definition.create(definition.parseParams(sampleParams));

  describe(`detector contract: ${definition.id}`, () => {
    it('is deterministic: the same input gives the same scores, kinds and expectations', () => {
      const { timestampsMs, values } = noisySeries(1, true);
      expect(run(create(), timestampsMs, values)).toEqual(run(create(), timestampsMs, values));
    });

    it('scores are finite and within [0, 1], including on extreme values', () => {
      const { timestampsMs, values } = noisySeries(2, true);
      values[3000] = 1e300;
      values[3100] = -1e300;
      values[3200] = 0;
      for (const { score } of run(create(), timestampsMs, values)) {
        expect(Number.isFinite(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    });

    it('flags a clear spike on noisy data (>= 0.99) while >= 99% of normal points score < 0.5', () => {
      const { timestampsMs, values } = noisySeries(3, true);
      const obs = run(create(), timestampsMs, values);
      expect(obs[SPIKE_INDEX]!.score).toBeGreaterThanOrEqual(0.99);
      expect(obs[SPIKE_INDEX]!.kind).not.toBeNull();
      expect(Math.abs(obs[SPIKE_INDEX]!.expected - 100)).toBeLessThan(1);
      const normal = obs.filter((_, i) => i !== SPIKE_INDEX);
      const quiet = normal.filter((o) => o.score < 0.5).length;
      expect(quiet / normal.length).toBeGreaterThanOrEqual(0.99);
    });

    for (const jsonRoundTrip of [false, true]) {
      it(`restores a mid-stream snapshot${jsonRoundTrip ? ' after a JSON round trip' : ''} and continues with identical results`, () => {
        const { timestampsMs, values } = noisySeries(4, true);
        const original = create();
        const half = 2500;
        run(original, timestampsMs, values, 0, half);
        const snapshot = original.snapshot();
        const restored = create();
        restored.restore(jsonRoundTrip ? JSON.parse(JSON.stringify(snapshot)) : snapshot);
        const continued = run(original, timestampsMs, values, half);
        expect(run(restored, timestampsMs, values, half)).toEqual(continued);
        // The snapshot is a copy: the original moving on does not change it.
        const again = create();
        again.restore(snapshot);
        expect(run(again, timestampsMs, values, half)).toEqual(continued);
      });
    }

    it('snapshots are versioned plain data naming the detector', () => {
      const state = create().snapshot();
      expect(state.detector).toBe(definition.id);
      expect(Number.isInteger(state.version)).toBe(true);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });

    it('refuses a state of another detector or version, naming why', () => {
      const state = create().snapshot();
      expect(() => create().restore({ ...state, detector: 'other' })).toThrow(new RegExp(`cannot restore detector ${definition.id}: .*"other"`));
      expect(() => create().restore({ ...state, version: state.version + 1 })).toThrow(/version/);
    });

    it('absorbs NaN, infinities, gaps, repeated and out-of-order timestamps without throwing, scoring them 0 and leaving state unchanged', () => {
      const { timestampsMs, values } = noisySeries(5, true);
      const clean = create();
      const dirty = create();
      let cleanPrev = NaN;
      for (let i = 0; i < POINTS; i++) {
        const t = timestampsMs[i]!;
        if (i % 50 === 7 && i > 0) {
          expect(dirty.update(t, NaN)).toBe(0);
          expect(dirty.update(t, Infinity)).toBe(0);
          expect(dirty.update(t, -Infinity)).toBe(0);
          expect(dirty.update(NaN, 100)).toBe(0);
          expect(dirty.update(Infinity, 100)).toBe(0);
          expect(dirty.update(timestampsMs[i - 1]!, 100)).toBe(0);
          expect(dirty.update(timestampsMs[i - 1]! - 5 * MINUTE_MS, 1e6)).toBe(0);
          expect(dirty.lastKind).toBeNull();
        }
        cleanPrev = clean.update(t, values[i]!);
        expect(dirty.update(t, values[i]!)).toBe(cleanPrev);
        expect(dirty.update(t, values[i]! + 1000)).toBe(0);
      }
      expect(dirty.snapshot()).toEqual(clean.snapshot());
    });

    it('tolerates gaps: a long pause in the data never throws and keeps scores in range', () => {
      const { timestampsMs, values } = noisySeries(6, false);
      const detector = create();
      for (let i = 0; i < POINTS; i++) {
        const shiftedMs = timestampsMs[i]! + (i >= 2000 ? 30 * 24 * 60 * MINUTE_MS : 0) + (i % 97 === 0 ? 17 * MINUTE_MS : 0);
        const score = detector.update(shiftedMs, values[i]!);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    });

    it('parses empty params to defaults and rejects bad params naming the field', () => {
      const defaults = definition.parseParams({});
      expect(definition.parseParams(undefined)).toEqual(defaults);
      expect(() => definition.parseParams(5)).toThrow(new RegExp(`cannot parse params of detector ${definition.id}: params must be an object`));
      expect(() => definition.parseParams([])).toThrow(/params must be an object/);
      expect(() => definition.parseParams({ noSuchField: 1 })).toThrow(/unknown field "noSuchField"/);
      for (const field of Object.keys(defaults as object)) {
        expect(() => definition.parseParams({ [field]: { nested: true } }), field).toThrow(
          new RegExp(`cannot parse params of detector ${definition.id}: ${field} must be`),
        );
      }
    });
  });
}
