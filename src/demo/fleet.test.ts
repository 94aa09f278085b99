import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../model/index.js';
import { planDemo } from './demo.js';
import { FleetSimulator } from './fleet.js';
import type { Incident } from './incidents.js';
import type { MetricName } from './layout.js';
import { METRIC_INDEX, METRICS } from './layout.js';

/** Monday 2024-05-06 00:00 UTC. */
const MONDAY_MS = Date.UTC(2024, 4, 6);

function seriesValues(fleet: FleetSimulator, host: string, metric: MetricName, fromMs: number, toMs: number, stepMs: number): number[] {
  const hostIndex = fleet.hosts.findIndex((h) => h.host === host);
  if (hostIndex < 0) throw new Error(`no host ${host}`);
  const out = new Float64Array(METRICS.length);
  const values: number[] = [];
  for (let t = fromMs; t < toMs; t += stepMs) {
    fleet.sampleHost(hostIndex, t, out);
    values.push(out[METRIC_INDEX[metric]]);
  }
  return values;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const std = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const correlation = (xs: readonly number[], ys: readonly number[]): number => {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};
/** Least-squares slope of ys against 0, 1, 2, … */
const slope = (ys: readonly number[]): number => correlation(ys.map((_, i) => i), ys) * (std(ys) / std(ys.map((_, i) => i)));

function collect(fleet: FleetSimulator, fromMs: number, toMs: number, stepMs: number, chunk?: number): { keys: string[]; ts: number[]; values: number[] } {
  const keys: string[] = [];
  const ts: number[] = [];
  const values: number[] = [];
  for (const c of fleet.generate(fromMs, toMs, stepMs, chunk)) {
    for (let i = 0; i < c.length; i++) {
      keys.push(c.keys[i]);
      ts.push(c.timestampsMs[i]);
      values.push(c.values[i]);
    }
  }
  return { keys, ts, values };
}

describe('FleetSimulator layout', () => {
  it('has 3 services × 3 hosts × 5 metrics by default, keyed as canonical tagged paths', () => {
    const fleet = new FleetSimulator({ seed: 1 });
    expect(fleet.hosts.map((h) => `${h.service}/${h.host}`)).toEqual([
      'api/web-1', 'api/web-2', 'api/web-3', 'checkout/web-4', 'checkout/web-5', 'checkout/web-6', 'search/web-7', 'search/web-8', 'search/web-9',
    ]);
    expect(fleet.series).toHaveLength(45);
    expect(fleet.series[0].key).toBe('requests.rate;host=web-1;service=api');
    expect(fleet.series[44].key).toBe('cpu.utilization;host=web-9;service=search');
    expect(new Set(fleet.series.map((s) => s.key)).size).toBe(45);
  });

  it('rejects a bad layout naming the field', () => {
    expect(() => new FleetSimulator({ seed: 1, services: [] })).toThrow(/services must not be empty/);
    expect(() => new FleetSimulator({ seed: 1, hostsPerService: 0 })).toThrow(/hostsPerService must be a positive integer, got 0/);
    expect(() => new FleetSimulator({ seed: 1, services: ['a b'] })).toThrow(/service "a b"/);
    expect(() => new FleetSimulator({ seed: 1, services: ['a', 'a'] })).toThrow(/listed twice/);
  });
});

describe('FleetSimulator determinism', () => {
  it('gives the same values for the same seed and different values for another', () => {
    const a = collect(new FleetSimulator({ seed: 42 }), MONDAY_MS, MONDAY_MS + HOUR_MS, MINUTE_MS);
    const b = collect(new FleetSimulator({ seed: 42 }), MONDAY_MS, MONDAY_MS + HOUR_MS, MINUTE_MS);
    const c = collect(new FleetSimulator({ seed: 43 }), MONDAY_MS, MONDAY_MS + HOUR_MS, MINUTE_MS);
    expect(b).toEqual(a);
    expect(c.keys).toEqual(a.keys);
    expect(c.values).not.toEqual(a.values);
  });

  it('is a pure function of the timestamp: chunking, step and valueAt all agree', () => {
    const fleet = new FleetSimulator({ seed: 5 });
    const whole = collect(fleet, MONDAY_MS, MONDAY_MS + 30 * MINUTE_MS, MINUTE_MS);
    const small = collect(fleet, MONDAY_MS, MONDAY_MS + 30 * MINUTE_MS, MINUTE_MS, 7);
    expect(small).toEqual(whole);
    const fine = collect(fleet, MONDAY_MS, MONDAY_MS + 30 * MINUTE_MS, 10_000);
    const fineAtMinutes = fine.values.filter((_, i) => fine.ts[i] % MINUTE_MS === 0);
    expect(fineAtMinutes).toEqual(whole.values);
    const i = 45 * 13 + 17;
    expect(fleet.valueAt(17, whole.ts[i])).toBe(whole.values[i]);
  });

  it('emits whole time steps, time-major, covering [from, to)', () => {
    const fleet = new FleetSimulator({ seed: 5 });
    const chunks = [...fleet.generate(MONDAY_MS, MONDAY_MS + 10 * MINUTE_MS + 1, MINUTE_MS, 100)];
    expect(chunks.map((c) => c.length)).toEqual([90, 90, 90, 90, 90, 45]);
    const ts = chunks.flatMap((c) => Array.from(c.timestampsMs));
    expect(ts[0]).toBe(MONDAY_MS);
    expect(ts.at(-1)).toBe(MONDAY_MS + 10 * MINUTE_MS);
    for (let i = 1; i < ts.length; i++) expect(ts[i] >= ts[i - 1]).toBe(true);
  });
});

describe('FleetSimulator realism', () => {
  const fleet = new FleetSimulator({ seed: 42 });
  const week = (metric: MetricName): number[] => seriesValues(fleet, 'web-1', metric, MONDAY_MS, MONDAY_MS + 7 * DAY_MS, 10 * MINUTE_MS);
  const hourOf = (i: number): number => ((i * 10 * MINUTE_MS) % DAY_MS) / HOUR_MS;
  const dayOf = (i: number): number => Math.floor((i * 10 * MINUTE_MS) / DAY_MS); // 0 = Monday

  it('has a daily cycle: weekday afternoons carry far more requests than nights', () => {
    const rate = week('requests.rate');
    const day = rate.filter((_, i) => dayOf(i) < 5 && hourOf(i) >= 12 && hourOf(i) < 18);
    const night = rate.filter((_, i) => dayOf(i) < 5 && hourOf(i) < 6);
    expect(mean(day)).toBeGreaterThan(2 * mean(night));
  });

  it('has a weekly cycle: weekend afternoons are quieter than weekday afternoons', () => {
    const rate = week('requests.rate');
    const weekday = rate.filter((_, i) => dayOf(i) < 5 && hourOf(i) >= 12 && hourOf(i) < 18);
    const weekend = rate.filter((_, i) => dayOf(i) >= 5 && hourOf(i) >= 12 && hourOf(i) < 18);
    expect(mean(weekday)).toBeGreaterThan(1.3 * mean(weekend));
  });

  it('is noisy, not a clean curve', () => {
    const rate = seriesValues(fleet, 'web-1', 'requests.rate', MONDAY_MS + 14 * HOUR_MS, MONDAY_MS + 15 * HOUR_MS, MINUTE_MS);
    const diffs = rate.slice(1).map((x, i) => x - rate[i]);
    expect(std(diffs) / mean(rate)).toBeGreaterThan(0.02);
  });

  it('ties CPU and latency to load, keeps p99 above p50 and values in range', () => {
    const rate = week('requests.rate');
    const cpu = week('cpu.utilization');
    const p50 = week('latency.p50');
    const p99 = week('latency.p99');
    const errors = week('errors.rate');
    expect(correlation(rate, cpu)).toBeGreaterThan(0.9);
    expect(correlation(rate, p50)).toBeGreaterThan(0.5);
    for (let i = 0; i < rate.length; i++) {
      expect(p99[i]).toBeGreaterThan(p50[i]);
      expect(cpu[i] >= 0 && cpu[i] <= 100).toBe(true);
      expect(errors[i] >= 0 && errors[i] < 0.05 * rate[i]).toBe(true);
    }
    // p99's noise is heavy-ish: its spread relative to its level exceeds p50's.
    const rel = (xs: number[]): number => std(xs.slice(1).map((x, i) => x - xs[i])) / mean(xs);
    expect(rel(p99)).toBeGreaterThan(2 * rel(p50));
  });
});

describe('injected incidents', () => {
  // Wednesday noon: three days of history reach back to Sunday.
  const plan = planDemo({ historyMs: 3 * DAY_MS, stepMs: MINUTE_MS, liveIntervalMs: 10_000, seed: 42, startMs: Date.UTC(2024, 4, 15, 12) });
  const byId = (id: string): Incident => {
    const incident = plan.incidents.find((x) => x.id === id);
    if (incident === undefined) throw new Error(`no incident ${id}`);
    return incident;
  };
  const hostsOf = (service: string): string[] => plan.fleet.hosts.filter((h) => h.service === service).map((h) => h.host);

  for (const [id, stepMs] of [['history-spike', MINUTE_MS], ['live-spike', 10_000]] as const) {
    it(`${id}: latency.p99 stands out with a robust z above 8`, () => {
      const incident = byId(id);
      const window = 60 * stepMs;
      const from = incident.startMs - window;
      const values = seriesValues(plan.fleet, incident.host!, 'latency.p99', from, incident.startMs + window, stepMs);
      const inside = (i: number): boolean => from + i * stepMs >= incident.startMs && from + i * stepMs < incident.startMs + incident.durationMs!;
      const outside = values.filter((_, i) => !inside(i));
      const med = median(outside);
      const mad = median(outside.map((x) => Math.abs(x - med)));
      const spikePoints = values.filter((_, i) => inside(i));
      expect(spikePoints.length).toBeGreaterThan(0);
      for (const x of spikePoints) expect((x - med) / (1.4826 * mad)).toBeGreaterThan(8);
    });
  }

  for (const [id, stepMs] of [['history-level-shift', MINUTE_MS], ['live-level-shift', 10_000]] as const) {
    it(`${id}: errors.rate and latency of every host of the service jump and stay`, () => {
      const incident = byId(id);
      const window = 30 * stepMs;
      for (const host of hostsOf(incident.service)) {
        for (const metric of ['errors.rate', 'latency.p50', 'latency.p99'] as const) {
          const before = seriesValues(plan.fleet, host, metric, incident.startMs - window, incident.startMs, stepMs);
          const after = seriesValues(plan.fleet, host, metric, incident.startMs, incident.startMs + window, stepMs);
          expect(mean(after) - mean(before), `${host} ${metric}`).toBeGreaterThan(3 * std(before));
        }
        // It stays: still raised two hours later.
        const later = seriesValues(plan.fleet, host, 'errors.rate', incident.startMs + 2 * HOUR_MS, incident.startMs + 2 * HOUR_MS + window, stepMs);
        const before = seriesValues(plan.fleet, host, 'errors.rate', incident.startMs - window, incident.startMs, stepMs);
        expect(mean(later)).toBeGreaterThan(mean(before) + 3 * std(before));
      }
    });
  }

  for (const id of ['history-drift', 'live-drift']) {
    it(`${id}: cpu.utilization of one host creeps up against its peers`, () => {
      const incident = byId(id);
      const stepMs = MINUTE_MS;
      const peers = hostsOf(incident.service).filter((h) => h !== incident.host);
      const own = seriesValues(plan.fleet, incident.host!, 'cpu.utilization', incident.startMs, incident.startMs + incident.durationMs!, stepMs);
      const peerMean = own.map((_, i) => mean(peers.map((p) => seriesValues(plan.fleet, p, 'cpu.utilization', incident.startMs + i * stepMs, incident.startMs + (i + 1) * stepMs, stepMs)[0])));
      const gap = own.map((x, i) => x - peerMean[i]);
      const risePerStep = slope(gap);
      const expected = incident.effects[0].amount / own.length;
      expect(risePerStep).toBeGreaterThan(0.5 * expected);
      expect(risePerStep).toBeLessThan(1.5 * expected);
    });
  }

  it('changes only the series it names', () => {
    const clean = new FleetSimulator({ seed: 42 });
    const dirty = new FleetSimulator({ seed: 42, incidents: plan.incidents });
    const targeted = new Set<string>();
    for (const incident of plan.incidents) {
      for (const h of dirty.hosts) {
        if (h.service === incident.service && (incident.host === null || incident.host === h.host)) {
          for (const e of incident.effects) targeted.add(`${e.metric}|${h.host}`);
        }
      }
    }
    const from = plan.historyFromMs;
    const a = collect(clean, from, plan.startMs + 2 * HOUR_MS, 5 * MINUTE_MS);
    const b = collect(dirty, from, plan.startMs + 2 * HOUR_MS, 5 * MINUTE_MS);
    const changed = new Set<string>();
    for (let i = 0; i < a.values.length; i++) {
      if (a.values[i] !== b.values[i]) {
        const s = dirty.series[i % dirty.series.length];
        changed.add(`${s.metric}|${s.host}`);
      }
    }
    expect([...changed].sort()).toEqual([...targeted].sort());
  });
});
