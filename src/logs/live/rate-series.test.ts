import { describe, expect, it } from 'vitest';
import type { KeyedPoints } from '../../model/index.js';
import { hostTag, LogRateCounter, severitySeriesKey, templateSeriesKey } from './rate-series.js';

function rows(points: KeyedPoints): [string, number, number][] {
  return Array.from({ length: points.length }, (_, i) => [points.keys[i]!, points.timestampsMs[i]!, points.values[i]!]);
}

describe('LogRateCounter', () => {
  it('names series per template and severity, overall and per host, with tag-safe host names', () => {
    expect(templateSeriesKey('0a1b2c3d')).toBe('log.template.count;template=0a1b2c3d');
    expect(templateSeriesKey('0a1b2c3d', 'web 1;x')).toBe('log.template.count;host=web_1_x;template=0a1b2c3d');
    expect(severitySeriesKey('error', '')).toBe('log.severity.count;host=unknown;severity=error');
    expect(hostTag('db-1.example.com')).toBe('db-1.example.com');
  });

  it('emits each interval once the watermark passes its end, with zeros for recently active series', () => {
    const counter = new LogRateCounter({ intervalMs: 1000, zeroFillSteps: 2, maxHostsPerTemplate: 10 });
    counter.count(1000, 't1', 'a', 'error');
    counter.count(1500, 't1', 'a', 'error');
    counter.count(2100, 't1', 'b', 'info');
    expect(counter.close(1999).length).toBe(0);
    expect(rows(counter.close(2000))).toEqual([
      ['log.template.count;template=t1', 1000, 2],
      ['log.severity.count;severity=error', 1000, 2],
      ['log.severity.count;host=a;severity=error', 1000, 2],
      ['log.template.count;host=a;template=t1', 1000, 2],
    ]);
    // 2000-2999 has counts of host b; host a's series get zeros for two intervals, then stop.
    const later = rows(counter.close(6000));
    expect(later.filter(([, t]) => t === 2000)).toEqual([
      ['log.template.count;template=t1', 2000, 1],
      ['log.severity.count;severity=info', 2000, 1],
      ['log.severity.count;host=b;severity=info', 2000, 1],
      ['log.template.count;host=b;template=t1', 2000, 1],
      ['log.severity.count;severity=error', 2000, 0],
      ['log.severity.count;host=a;severity=error', 2000, 0],
      ['log.template.count;host=a;template=t1', 2000, 0],
    ]);
    expect(later.filter(([k]) => k === 'log.template.count;host=a;template=t1').map(([, t]) => t)).toEqual([2000, 3000]);
    expect(later.filter(([k]) => k === 'log.template.count;template=t1').map(([, t, v]) => [t, v])).toEqual([[2000, 1], [3000, 0], [4000, 0]]);
    expect(Math.max(...later.map(([, t]) => t))).toBe(4000);
  });

  it('counts a record of an emitted interval as late, and skips long gaps without emitting', () => {
    const counter = new LogRateCounter({ intervalMs: 1000, zeroFillSteps: 1, maxHostsPerTemplate: 10 });
    counter.count(1000, 't1', 'a', 'info');
    counter.close(3000);
    expect(counter.count(2500, 't1', 'a', 'info')).toBe(false);
    expect(counter.late).toBe(1);
    counter.count(1_000_000_000, 't1', 'a', 'info');
    const points = rows(counter.close(1_000_001_000));
    expect(points.map(([, t]) => t)).toEqual([1_000_000_000, 1_000_000_000, 1_000_000_000, 1_000_000_000]);
  });

  it('adds up hosts that share a tag, and names series right after quiet hosts give theirs up', () => {
    const counter = new LogRateCounter({ intervalMs: 1000, zeroFillSteps: 1, maxHostsPerTemplate: 10 });
    counter.count(0, 't', 'web 1', 'info');
    counter.count(0, 't', 'web_1', 'info');
    expect(rows(counter.close(1000))).toContainEqual(['log.severity.count;host=web_1;severity=info', 0, 2]);
    // Hosts web 1 and a go quiet (their zero interval passes), then new hosts come: each series keeps its own name.
    counter.count(1000, 't', 'a', 'error');
    counter.close(2000);
    counter.close(4000);
    counter.count(5000, 't', 'b', 'warning');
    counter.count(5000, 't', 'c', 'error');
    counter.count(5000, 't', 'web 1', 'info');
    const later = rows(counter.close(6000)).filter(([k, t]) => t === 5000 && k.startsWith('log.severity.count;host='));
    expect(later).toEqual([
      ['log.severity.count;host=b;severity=warning', 5000, 1],
      ['log.severity.count;host=c;severity=error', 5000, 1],
      ['log.severity.count;host=web_1;severity=info', 5000, 1],
    ]);
  });

  it('gives per-host template series to the first hosts only', () => {
    const counter = new LogRateCounter({ intervalMs: 1000, zeroFillSteps: 1, maxHostsPerTemplate: 2 });
    for (const host of ['a', 'b', 'c', 'a']) counter.count(0, 't', host, 'info');
    const keys = rows(counter.close(1000)).map(([k, , v]) => `${k}=${v}`);
    expect(keys).toContain('log.template.count;template=t=4');
    expect(keys).toContain('log.template.count;host=a;template=t=2');
    expect(keys).toContain('log.template.count;host=b;template=t=1');
    expect(keys.some((k) => k.includes('host=c;template'))).toBe(false);
    expect(keys).toContain('log.severity.count;host=c;severity=info=1');
  });
});
