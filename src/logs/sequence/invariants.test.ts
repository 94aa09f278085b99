import { describe, expect, it } from 'vitest';
import { trainInvariants } from './invariants.js';
import { session, syntheticNormalSessions } from './synthetic.testsuite.js';

describe('invariant mining', () => {
  const train = syntheticNormalSessions(60);
  const detector = trainInvariants(train);

  it('finds the count equalities of the training sessions and the keys they never contain', () => {
    const found = detector.invariants.map((i) => (i.right < 0 ? `${i.left}=0` : `${i.leftCoefficient}*${i.left}=${i.rightCoefficient}*${i.right}`));
    expect(found).toEqual(expect.arrayContaining(['0=0', '1*1=1*4', '1*2=1*3', '6=0']));
    // Verify (5) is optional, so nothing ties it to the others.
    expect(found.some((f) => /\b5\b/.test(f))).toBe(false);
  });

  it('learns integer ratios other than one', () => {
    const doubled = [1, 2, 3, 1, 2].map((k) => session(...Array<number>(k).fill(1), ...Array<number>(2 * k).fill(2)));
    const mined = trainInvariants(doubled);
    expect(mined.invariants).toContainEqual({ left: 1, leftCoefficient: 2, right: 2, rightCoefficient: 1 });
    expect(mined.isAnomalous(session(1, 1, 2, 2, 2, 2))).toBe(false);
    expect(mined.isAnomalous(session(1, 1, 2, 2, 2))).toBe(true);
  });

  it('accepts normal variants and flags sessions that break an invariant', () => {
    for (const s of train) expect(detector.isAnomalous(s)).toBe(false);
    expect(detector.isAnomalous(session(2, 3, 2, 3, 1, 4))).toBe(false);
    expect(detector.isAnomalous(session(1, 2, 2, 3, 4))).toBe(true);
    expect(detector.isAnomalous(session(1, 2, 3))).toBe(true);
    expect(detector.isAnomalous(session(1, 2, 3, 9, 4))).toBe(true);
    expect(detector.score(session(1, 2, 2, 3))).toBe(2);
  });

  it('tolerates a rare exception in training up to the support level', () => {
    const noisy = [...syntheticNormalSessions(99), session(1, 2, 2, 3, 4)];
    expect(trainInvariants(noisy, { maxCoefficient: 3, support: 0.98, minActiveShare: 0.01 }).invariants.some((i) => i.left === 2 && i.right === 3)).toBe(true);
    expect(trainInvariants(noisy, { maxCoefficient: 3, support: 1, minActiveShare: 0.01 }).invariants.some((i) => i.left === 2 && i.right === 3)).toBe(false);
  });

  it('names a bad parameter and an empty training set', () => {
    expect(() => trainInvariants(train, { maxCoefficient: 0, support: 0.98, minActiveShare: 0.01 })).toThrow('cannot train invariants: maxCoefficient must be an integer >= 1, got 0');
    expect(() => trainInvariants([])).toThrow('cannot train invariants: no training sessions');
  });
});
