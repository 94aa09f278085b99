import { describe, expect, it } from 'vitest';
import { firingSummary, formatDurationMs, resolvedSummary } from './summary.js';

const facts = {
  series: 'disk.used;host=db1',
  kind: 'trend' as const,
  value: 0.123456789,
  expected: 1234567.891,
  peakScore: 0.99951,
  anomalyCount: 1,
  startsAtMs: 0,
  endsAtMs: 90_000,
  suspectedEvent: null,
};

describe('summaries', () => {
  it('round numbers for people', () => {
    expect(firingSummary(facts)).toBe('trend on disk.used;host=db1: 0.123457 (expected 1234570), score 0.999');
    expect(resolvedSummary(facts)).toBe(
      'resolved: trend on disk.used;host=db1 after 1 anomaly over 90 s, peak score 0.999; first 0.123457 (expected 1234570)',
    );
  });

  it('name the event that preceded a shift', () => {
    const afterDeploy = { ...facts, startsAtMs: 600_000, suspectedEvent: { id: 'e1', type: 'deploy', service: 'db', version: '14.2', timestampMs: 360_000 } };
    expect(firingSummary(afterDeploy)).toBe('trend on disk.used;host=db1: 0.123457 (expected 1234570), score 0.999; 4 min after deploy of db 14.2');
    const global = { ...afterDeploy, suspectedEvent: { ...afterDeploy.suspectedEvent, type: 'config', service: null, version: null } };
    expect(firingSummary(global)).toBe('trend on disk.used;host=db1: 0.123457 (expected 1234570), score 0.999; 4 min after config');
  });

  it('format durations in the largest readable unit', () => {
    expect(formatDurationMs(0)).toBe('0 s');
    expect(formatDurationMs(119_000)).toBe('119 s');
    expect(formatDurationMs(5 * 60_000)).toBe('5 min');
    expect(formatDurationMs(3 * 3_600_000 + 30 * 60_000)).toBe('3.5 h');
  });
});
