import { describe, expect, it } from 'vitest';
import type { AnomalyItem, QueryResult } from './api.js';
import { bridgeShortGaps, buildChartData } from './chart-data.js';

function query(timestampsMs: number[], values: (number | null)[]): QueryResult {
  return { series: 'a', fromMs: 0, toMs: 100, stepMs: 10, agg: 'avg', timestampsMs, values };
}

function anomaly(timestampMs: number, value: number, detector: string, score = 0.99): AnomalyItem {
  return { series: 'a', seriesId: 0, timestampMs, value, score, kind: 'spike', expected: 1, detector };
}

describe('bridgeShortGaps', () => {
  it('spans empty buckets finer than the series interval but keeps long outages as gaps', () => {
    // Points every 20 ms in 10 ms buckets, then an outage of 80 ms (more than 3 intervals).
    const ts = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
    const vs = [1, null, 2, null, 3, null, null, null, null, null, null, null, 4];
    const gap = [null, null, null, null, null, null, null];
    expect(bridgeShortGaps(ts, vs)).toEqual([1, undefined, 2, undefined, 3, ...gap, 4]);
  });

  it('leaves leading and trailing empty buckets as gaps', () => {
    expect(bridgeShortGaps([0, 10, 20, 30], [null, 1, 2, null])).toEqual([null, 1, 2, null]);
  });
});

describe('buildChartData', () => {
  it('puts each anomaly at its own timestamp, between buckets when it falls there', () => {
    const data = buildChartData(query([0, 10, 20], [1, 2, 3]), [anomaly(15, 9, 'mad-zscore')]);
    expect(data.timestampsMs).toEqual([0, 10, 15, 20]);
    expect(data.values).toEqual([1, 2, undefined, 3]);
    expect(data.marks).toEqual([undefined, undefined, 9, undefined]);
    expect(data.markRows).toEqual([2]);
  });

  it('shares a row with a bucket at the same time and groups detectors, highest score first', () => {
    const low = anomaly(10, 7, 'seasonal-baseline', 0.991);
    const high = anomaly(10, 7, 'mad-zscore', 0.999);
    const data = buildChartData(query([0, 10, 20], [1, 2, 3]), [low, high]);
    expect(data.timestampsMs).toEqual([0, 10, 20]);
    expect(data.values).toEqual([1, 2, 3]);
    expect(data.anomaliesAt[1]).toEqual([high, low]);
    expect(data.markRows).toEqual([1]);
  });
});
