import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../model/index.js';
import type { Incident } from './incidents.js';
import { applyIncidentEffect, demoIncidents, describeIncident } from './incidents.js';
import { DEFAULT_SERVICES } from './layout.js';

const START_MS = Date.UTC(2024, 4, 15, 12);

function incidents(historyMs: number, stepMs = MINUTE_MS): Incident[] {
  return demoIncidents({
    startMs: START_MS,
    historySteps: Math.floor(historyMs / stepMs),
    stepMs,
    liveIntervalMs: 10_000,
    services: DEFAULT_SERVICES,
    hostsPerService: 3,
  });
}

describe('demoIncidents', () => {
  it('puts one incident of each kind inside the default three-day history, after a day of warm-up', () => {
    const history = incidents(3 * DAY_MS).filter((i) => i.phase === 'history');
    expect(history.map((i) => i.kind).sort()).toEqual(['drift', 'level_shift', 'spike']);
    for (const i of history) {
      expect(i.startMs).toBeGreaterThanOrEqual(START_MS - 2 * DAY_MS);
      expect(i.startMs + (i.durationMs ?? 0)).toBeLessThan(START_MS);
      expect(i.startMs % MINUTE_MS).toBe(0);
    }
  });

  it('starts a spike within 30 s and a level shift after a deploy within 60 s of the live start', () => {
    const live = incidents(3 * DAY_MS).filter((i) => i.phase === 'live');
    const spike = live.find((i) => i.kind === 'spike')!;
    const shift = live.find((i) => i.kind === 'level_shift')!;
    expect(spike.startMs - START_MS).toBeGreaterThan(0);
    expect(spike.startMs - START_MS).toBeLessThanOrEqual(30_000);
    expect(shift.startMs - START_MS).toBeLessThanOrEqual(60_000);
    expect(shift.durationMs).toBeNull();
    expect(shift.deploy).toBe('checkout v2.3.1');
    expect(shift.host).toBeNull();
    expect(live.find((i) => i.kind === 'drift')).toBeDefined();
  });

  it('fits even a tiny history and drops history incidents when there is none', () => {
    const tiny = incidents(10 * MINUTE_MS).filter((i) => i.phase === 'history');
    expect(tiny).toHaveLength(3);
    for (const i of tiny) {
      expect(i.startMs).toBeGreaterThanOrEqual(START_MS - 10 * MINUTE_MS);
      expect(i.startMs).toBeLessThan(START_MS);
    }
    expect(incidents(0).filter((i) => i.phase === 'history')).toHaveLength(0);
  });

  it('names only hosts and services of the fleet, also for a one-service fleet', () => {
    const solo = demoIncidents({ startMs: START_MS, historySteps: 100, stepMs: MINUTE_MS, liveIntervalMs: 10_000, services: ['shop'], hostsPerService: 2 });
    for (const i of solo) {
      expect(i.service).toBe('shop');
      if (i.host !== null) expect(['web-1', 'web-2']).toContain(i.host);
    }
  });

  it('describes an incident with its time, service and deploy', () => {
    const shift = incidents(3 * DAY_MS).find((i) => i.id === 'live-level-shift')!;
    expect(describeIncident(shift)).toBe(
      'at 2024-05-15T12:00:50.000Z: level shift on checkout errors.rate ×8, latency.p50 ×1.4, latency.p99 ×1.7 on every host after deploy checkout v2.3.1',
    );
    const drift = incidents(3 * DAY_MS).find((i) => i.id === 'live-drift')!;
    expect(describeIncident(drift)).toMatch(/slow drift on api web-3: cpu.utilization creeping up by 30 points over 1 h/);
  });
});

describe('applyIncidentEffect', () => {
  const base: Omit<Incident, 'kind' | 'durationMs'> = {
    id: 'x', phase: 'live', service: 's', host: null, startMs: 1000, effects: [{ metric: 'errors.rate', amount: 3 }], deploy: null, description: '',
  };
  const effect = base.effects[0];

  it('multiplies inside a spike window only', () => {
    const spike: Incident = { ...base, kind: 'spike', durationMs: 100 };
    expect(applyIncidentEffect(spike, effect, 999, 2)).toBe(2);
    expect(applyIncidentEffect(spike, effect, 1000, 2)).toBe(6);
    expect(applyIncidentEffect(spike, effect, 1100, 2)).toBe(2);
  });

  it('keeps a level shift with no duration for ever', () => {
    const shift: Incident = { ...base, kind: 'level_shift', durationMs: null };
    expect(applyIncidentEffect(shift, effect, 1000 + 365 * DAY_MS, 2)).toBe(6);
  });

  it('ramps a drift linearly and ends it after its duration', () => {
    const drift: Incident = { ...base, kind: 'drift', durationMs: HOUR_MS };
    expect(applyIncidentEffect(drift, effect, 1000, 10)).toBe(10);
    expect(applyIncidentEffect(drift, effect, 1000 + HOUR_MS / 2, 10)).toBe(11.5);
    expect(applyIncidentEffect(drift, effect, 1000 + HOUR_MS, 10)).toBe(10);
  });
});
