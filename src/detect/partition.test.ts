import { beforeEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../model/index.js';
import { Partition } from './partition.js';
import { clearRecorded, GROUP_BY_PREFIX, RECORD_ALONE, recorded } from './recording-detector.testsuite.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';

const USES = [
  { id: 'mad-zscore', params: { windowSize: 16, minPoints: 16 } },
  { id: 'seasonal-baseline', params: {} },
];

function columns(points: [number, number, number][]): [Uint32Array, Float64Array, Float64Array] {
  return [Uint32Array.from(points.map((p) => p[0])), Float64Array.from(points.map((p) => p[1])), Float64Array.from(points.map((p) => p[2]))];
}

/** 20 quiet points for series 7, then a spike. */
function spikeSeries(): [number, number, number][] {
  const points: [number, number, number][] = [];
  for (let i = 0; i < 20; i++) points.push([7, i * MINUTE_MS, 10 + (i % 3)]);
  points.push([7, 20 * MINUTE_MS, 500]);
  return points;
}

describe('Partition', () => {
  it('keeps detectors per series and reports anomalies at or above the threshold', () => {
    const partition = new Partition([USES], 0.99);
    const anomalies = partition.process(...columns([...spikeSeries(), [8, 0, 1]]));
    expect(partition.seriesTracked).toBe(2);
    expect(anomalies).toEqual([{ seriesId: 7, timestampMs: 20 * MINUTE_MS, value: 500, score: 1, kind: 'spike', expected: 11, detector: 'mad-zscore' }]);
  });

  it('never reports a point scored 0, even with threshold 0', () => {
    const partition = new Partition([USES], 0);
    const anomalies = partition.process(...columns(spikeSeries()));
    expect(anomalies.map((a) => a.timestampMs)).toEqual([20 * MINUTE_MS]);
  });

  it('restores what it snapshots and reports states it cannot restore', () => {
    const first = new Partition([USES], 0.99);
    first.process(...columns(spikeSeries().slice(0, 20)));
    const entries = first.snapshot();
    expect(entries.map((e) => [e.seriesId, e.states.map((s) => s.detector)])).toEqual([[7, ['mad-zscore', 'seasonal-baseline']]]);
    const second = new Partition([USES], 0.99);
    const broken = { seriesId: 9, states: [{ detector: 'mad-zscore', version: 99, data: {} }] };
    expect(second.restore([...entries, broken])).toEqual(['series 9: cannot restore detector mad-zscore: unsupported state version 99, expected 1']);
    expect(second.seriesTracked).toBe(2);
    expect(second.process(...columns(spikeSeries().slice(20)))).toHaveLength(1);
  });
});

describe('Partition profiles', () => {
  it('gives each series the detectors of its profile and restores them by profile', () => {
    const partition = new Partition([[{ id: 'mad-zscore', params: {} }], [{ id: 'seasonal-baseline', params: {} }]], 0);
    const ids = Uint32Array.of(1, 2);
    partition.process(ids, Float64Array.of(1000, 1000), Float64Array.of(1, 1), Uint8Array.of(0, 1));
    const states = partition.snapshot();
    expect(states.map((s) => [s.seriesId, s.profile, s.states.map((st) => st.detector)])).toEqual([
      [1, 0, ['mad-zscore']],
      [2, 1, ['seasonal-baseline']],
    ]);
    const restored = new Partition([[{ id: 'mad-zscore', params: {} }], [{ id: 'seasonal-baseline', params: {} }]], 0);
    expect(restored.restore(states)).toEqual([]);
    expect(restored.snapshot()).toEqual(states);
  });

  it('falls back to the default set for a profile it does not know', () => {
    const partition = new Partition([[{ id: 'mad-zscore', params: {} }]], 0);
    partition.process(Uint32Array.of(7), Float64Array.of(1000), Float64Array.of(1), Uint8Array.of(3));
    expect(partition.snapshot()[0]!.profile).toBe(0);
  });
});

describe('Partition series keys', () => {
  const registry = new DetectorRegistry([...BUILTIN_DETECTORS, GROUP_BY_PREFIX, RECORD_ALONE]);
  const uses = [{ id: 'group-by-prefix', params: {} }, { id: 'record-alone', params: {} }];
  beforeEach(clearRecorded);

  it('gives a learnt key to grouping detectors only, and no key where none was learnt', () => {
    const partition = new Partition([uses], 0.5, registry);
    partition.learnKeys([1, 2], ['grp.a', 'grp.b']);
    const anomalies = partition.process(Uint32Array.of(1, 2, 3), Float64Array.of(1000, 1000, 1000), Float64Array.of(1, 100, 1));
    expect(recorded.created).toEqual([
      { detector: 'group-by-prefix', context: { seriesId: 1, seriesKey: 'grp.a' } },
      { detector: 'record-alone', context: { seriesId: 1 } },
      { detector: 'group-by-prefix', context: { seriesId: 2, seriesKey: 'grp.b' } },
      { detector: 'record-alone', context: { seriesId: 2 } },
      { detector: 'group-by-prefix', context: { seriesId: 3 } },
      { detector: 'record-alone', context: { seriesId: 3 } },
    ]);
    expect(anomalies.map((a) => [a.seriesId, a.detector, a.evidence?.reason])).toEqual([
      [2, 'group-by-prefix', 'grp.b after 1 points'],
      [2, 'record-alone', 'no key after 1 points'],
    ]);
  });

  it('learns the keys restore entries carry, and snapshots without them', () => {
    const partition = new Partition([uses], 0.5, registry);
    const state = (detector: string): { detector: string; version: number; data: { points: number } } => ({ detector, version: 1, data: { points: 5 } });
    expect(partition.restore([{ seriesId: 4, key: 'grp.d', states: [state('group-by-prefix'), state('record-alone')] }])).toEqual([]);
    expect(recorded.created.map((c) => c.context)).toEqual([{ seriesId: 4, seriesKey: 'grp.d' }, { seriesId: 4 }]);
    expect(partition.process(Uint32Array.of(4), Float64Array.of(1000), Float64Array.of(100)).map((a) => a.evidence?.reason)).toEqual(['grp.d after 6 points', 'no key after 6 points']);
    expect(partition.snapshot()).toEqual([{ seriesId: 4, profile: 0, states: [state('group-by-prefix'), state('record-alone')].map((s) => ({ ...s, data: { points: 6 } })) }]);
  });

  it('re-creates a grouping detector whose state it refuses with the key', () => {
    const partition = new Partition([uses], 0.5, registry);
    const problems = partition.restore([{ seriesId: 4, key: 'grp.d', states: [{ detector: 'group-by-prefix', version: 1, data: {} }] }]);
    expect(problems).toEqual(['series 4: cannot restore detector group-by-prefix: data.points must be a number']);
    expect(recorded.created.map((c) => c.context)).toEqual([{ seriesId: 4, seriesKey: 'grp.d' }, { seriesId: 4 }, { seriesId: 4, seriesKey: 'grp.d' }]);
  });
});
