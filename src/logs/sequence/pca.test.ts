import { describe, expect, it } from 'vitest';
import { normalQuantile } from './normal-quantile.js';
import { trainPca } from './pca.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { session, syntheticNormalSessions } from './synthetic.testsuite.js';

describe('symmetric eigen decomposition', () => {
  it('recovers eigenvalues in descending order and orthonormal eigenvectors', () => {
    const m = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const { values, vectors } = symmetricEigen(m, 3);
    expect(values[0]).toBeGreaterThan(values[1]!);
    expect(values[1]).toBeGreaterThan(values[2]!);
    expect(values[0]! + values[1]! + values[2]!).toBeCloseTo(9, 10);
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 3; r++) {
        let mv = 0;
        for (let k = 0; k < 3; k++) mv += m[r * 3 + k]! * vectors[k * 3 + c]!;
        expect(mv).toBeCloseTo(values[c]! * vectors[r * 3 + c]!, 10);
      }
    }
  });
});

describe('normal quantile', () => {
  it('matches the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.9995)).toBeCloseTo(3.290527, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(() => normalQuantile(1)).toThrow('cannot compute normal quantile: p must be in (0, 1), got 1');
  });
});

describe('PCA sequence detector', () => {
  const train = syntheticNormalSessions(90);

  function expectNormalVariantsAccepted(tfIdf: boolean): ReturnType<typeof trainPca> {
    const detector = trainPca(train, { tfIdf, varianceKept: 0.95, confidence: 0.9995 });
    expect(detector.threshold).toBeGreaterThan(0);
    let flagged = 0;
    for (const s of train) if (detector.isAnomalous(s)) flagged++;
    expect(flagged).toBeLessThanOrEqual(2);
    expect(detector.isAnomalous(session(1, 2, 3, 2, 3, 4))).toBe(false);
    // A key never seen in training.
    expect(detector.isAnomalous(session(1, 2, 3, 9, 9, 4))).toBe(true);
    return detector;
  }

  it('on raw counts flags broken count relations among keys of every session', () => {
    const detector = expectNormalVariantsAccepted(false);
    // Three receives, nothing stored.
    expect(detector.isAnomalous(session(1, 2, 2, 2, 4))).toBe(true);
    expect(detector.score(session(1, 2, 2, 2, 4))).toBeGreaterThan(detector.score(session(1, 2, 3, 4)));
  });

  it('with TF-IDF weighs keys of every session at zero and flags unusual counts of the others', () => {
    const detector = expectNormalVariantsAccepted(true);
    expect(detector.score(session(1, 2, 2, 2, 4))).toBeCloseTo(detector.score(session(1, 2, 3, 4)), 9);
    // Half the sessions open (6) and close (7) a pipeline k times, others not at all.
    const withPipeline = train.map((s, n) => (n % 2 === 0 ? s : session(...s, ...Array<number>(1 + (n % 3)).fill(6), ...Array<number>(1 + (n % 3)).fill(7))));
    const pipelined = trainPca(withPipeline, { tfIdf: true, varianceKept: 0.95, confidence: 0.9995 });
    expect(pipelined.isAnomalous(session(1, 2, 3, 6, 6, 7, 7, 4))).toBe(false);
    expect(pipelined.isAnomalous(session(1, 2, 3, 6, 6, 4))).toBe(true);
  });

  it('names a bad parameter and an empty training set', () => {
    expect(() => trainPca(train, { tfIdf: true, varianceKept: 0, confidence: 0.99 })).toThrow('cannot train pca: varianceKept must be in (0, 1], got 0');
    expect(() => trainPca([])).toThrow('cannot train pca: no training sessions');
  });
});
