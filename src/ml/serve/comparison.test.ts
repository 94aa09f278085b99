import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../registry/index.js';
import { comparisonReport } from './comparison.js';
import { emptyGroups, emptyPair, mergeCounters, type ModelCounters } from './counters.js';

function counters(overrides: Partial<ModelCounters> = {}): ModelCounters {
  return {
    name: 'latency',
    productionVersion: 1,
    candidateVersion: 2,
    mode: 'shadow',
    share: 1,
    sinceMs: 1000,
    production: { series: 3, points: 2000, alerts: 20, absErrorSum: 1000 },
    candidate: { series: 3, points: 2000, alerts: 10, absErrorSum: 900 },
    paired: { points: 2000, bothAlerted: 8, productionOnly: 12, candidateOnly: 2, sumP: 40, sumC: 30, sumPP: 30, sumCC: 25, sumPC: 26 },
    groups: emptyGroups(),
    notes: [],
    ...overrides,
  };
}

const version = (heldOutLoss: number): ModelVersion => ({ metrics: { heldOutLoss } }) as unknown as ModelVersion;

describe('comparison report', () => {
  it('recommends promotion when the candidate errs less and alerts no more, with the figures behind it', () => {
    const report = comparisonReport(counters(), 0, { production: version(0.2), candidate: version(0.15) });
    expect(report.verdict).toBe('promote');
    expect(report.production).toEqual({ version: 1, series: 3, points: 2000, alertRate: 0.01, meanAbsError: 0.5, heldOutLoss: 0.2 });
    expect(report.candidate).toMatchObject({ version: 2, alertRate: 0.005, meanAbsError: 0.45, heldOutLoss: 0.15 });
    expect(report.agreement).toMatchObject({ points: 2000, alertAgreement: (2000 - 14) / 2000, bothAlerted: 8 });
    expect(report.agreement!.scoreCorrelation).toBeGreaterThan(0);
    expect(report.reasons[0]).toContain('within 5% of or below');
  });

  it('keeps production when the candidate errs more or alerts far more often, saying which', () => {
    const worse = comparisonReport(counters({ candidate: { series: 3, points: 2000, alerts: 10, absErrorSum: 1200 } }), 0, { production: null, candidate: null });
    expect(worse.verdict).toBe('keep-production');
    expect(worse.reasons[0]).toBe("the candidate's live error 0.6000 is above production's 0.5000");
    const noisy = comparisonReport(counters({ candidate: { series: 3, points: 2000, alerts: 100, absErrorSum: 900 } }), 0, { production: null, candidate: null });
    expect(noisy.verdict).toBe('keep-production');
    expect(noisy.reasons[1]).toBe('the candidate alerts on 5% of points, production on 1%');
  });

  it('asks for more data below the minimum, and has nothing to compare without a rollout', () => {
    expect(comparisonReport(counters({ candidate: { series: 1, points: 999, alerts: 0, absErrorSum: 1 } }), 0, { production: null, candidate: null }).verdict).toBe('insufficient-data');
    const off = comparisonReport(counters({ mode: 'off', candidateVersion: null, share: 0 }), 0, { production: null, candidate: null });
    expect(off).toMatchObject({ verdict: 'nothing-to-compare', candidate: null, agreement: null });
  });

  it('a canary has no agreement figures: its versions score different series', () => {
    const report = comparisonReport(counters({ mode: 'canary', share: 0.2, paired: emptyPair() }), 0, { production: null, candidate: null });
    expect(report).toMatchObject({ mode: 'canary', share: 0.2, agreement: null, verdict: 'promote' });
    expect(report.reasons.at(-1)).toContain('different series');
  });

  it('merges partitions serving the same plan and counts those still on an older one', () => {
    const a = counters({ sinceMs: 5000 });
    const b = counters({ sinceMs: 3000 });
    const old = counters({ productionVersion: 0 });
    const { counters: merged, partitionsBehind } = mergeCounters([[a], [b], [old], []], 'latency');
    expect(partitionsBehind).toBe(1);
    expect(merged).toMatchObject({ sinceMs: 3000, production: { series: 6, points: 4000, alerts: 40, absErrorSum: 2000 }, paired: { points: 4000 } });
    expect(mergeCounters([[a]], 'other')).toEqual({ counters: null, partitionsBehind: 0 });
  });
});
