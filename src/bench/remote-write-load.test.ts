import { uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { encodeWriteRequest, keyedDecoder } from '../ingest/remote-write/test-support.js';
import { seriesKey } from '../model/index.js';
import { WriteRequestEncoder, encodeLabels, snappyLiteralBlock } from './remote-write-encoder.js';
import { syntheticRemoteWriteLoad } from './remote-write-load.js';
import { syntheticSeriesHost, syntheticSeriesName, syntheticStartSeconds, syntheticValue } from './synthetic-series.js';

const NOW_MS = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('remote write encoder', () => {
  it('writes the same WriteRequest bytes as protobufjs, for labels with multi-byte lengths and UTF-8', () => {
    const series = [
      { labels: [['__name__', 'cpu.user'], ['host', 'h1']] as const, samples: [{ value: 1.5, timestampMs: 1_700_000_000_123 }] },
      { labels: [['__name__', 'x'.repeat(300)], ['zone', 'été']] as const, samples: [{ value: -2.25e300, timestampMs: 1 }] },
      { labels: [['__name__', 'up']] as const, samples: [{ value: 3, timestampMs: 2 ** 40 + 7 }] },
    ];
    const encoder = new WriteRequestEncoder();
    for (const s of series) encoder.addSample(encodeLabels(s.labels), s.samples[0]!.value, s.samples[0]!.timestampMs);
    expect(encoder.bytes().equals(encodeWriteRequest(series))).toBe(true);
    encoder.reset();
    expect(encoder.bytes()).toHaveLength(0);
  });

  it('grows its buffer past its first size and keeps what it wrote', () => {
    const encoder = new WriteRequestEncoder();
    const labels = encodeLabels([['__name__', 'm'.repeat(200)]]);
    const series = Array.from({ length: 1_000 }, (_, i) => ({ labels: [['__name__', 'm'.repeat(200)]] as const, samples: [{ value: i + 0.5, timestampMs: 1_000 + i }] }));
    for (const s of series) encoder.addSample(labels, s.samples[0]!.value, s.samples[0]!.timestampMs);
    expect(encoder.bytes().length).toBeGreaterThan(64 * 1024);
    expect(encoder.bytes().equals(encodeWriteRequest(series))).toBe(true);
  });

  it('refuses a timestamp that is not a non-negative integer', () => {
    const encoder = new WriteRequestEncoder();
    expect(() => encoder.addSample(encodeLabels([['__name__', 'a']]), 1, -1)).toThrow(/cannot encode sample: timestampMs must be a non-negative integer, got -1/);
    expect(() => encoder.addSample(encodeLabels([['__name__', 'a']]), 1, 1.5)).toThrow(/got 1.5/);
  });

  it('snappy literal blocks decode to their input, empty and across 64 KiB literals', () => {
    for (const length of [0, 1, 2, 59, 60, 61, 65_536, 65_537, 200_000]) {
      const data = Buffer.alloc(length);
      for (let i = 0; i < length; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
      expect(Buffer.from(uncompress(snappyLiteralBlock(data))).equals(data)).toBe(true);
    }
  });
});

describe('synthetic remote write load', () => {
  it("decodes through Vigil's own decoder to the series, values and timestamps of the Graphite load", () => {
    const series = 4_500;
    const pointsPerSeries = 3;
    const load = syntheticRemoteWriteLoad({ series, pointsPerSeries, connections: 2, nowMs: NOW_MS });
    // 2,250 series per connection: 2 requests (2,000 and 250 series) per point per connection; the
    // larger bodies span several 64 KiB snappy literals.
    expect(load.connections.map((c) => c.length)).toEqual([6, 6]);
    expect(load).toMatchObject({ samples: series * pointsPerSeries, requests: 12, seriesPerRequest: 2_000, series });
    expect(Math.max(...load.connections.flat().map((b) => b.length))).toBeGreaterThan(65_536);
    expect(load.wireBytes).toBe(load.connections.flat().reduce((sum, b) => sum + b.length, 0));

    const decoder = keyedDecoder({ maxDecodedBytes: 1 << 22 });
    const seen = new Map<string, { timestampsMs: number[]; values: number[] }>();
    for (const body of load.connections.flat()) {
      const batch = decoder.decode(body);
      expect(batch.rejections).toEqual([]);
      expect(batch.counts).toMatchObject({ samples: batch.points.length, invalidSamples: 0, staleMarkers: 0 });
      expect(batch.points.length).toBeLessThanOrEqual(2_000);
      for (let i = 0; i < batch.points.length; i++) {
        const entry = seen.get(batch.points.keys[i]!) ?? { timestampsMs: [], values: [] };
        entry.timestampsMs.push(batch.points.timestampsMs[i]!);
        entry.values.push(batch.points.values[i]!);
        seen.set(batch.points.keys[i]!, entry);
      }
    }
    expect(seen.size).toBe(series);
    const startMs = syntheticStartSeconds(pointsPerSeries, NOW_MS) * 1000;
    for (const id of [0, 1, 2_249, 2_250, 4_499]) {
      const key = seriesKey(syntheticSeriesName(id), { host: syntheticSeriesHost(id) });
      expect(seen.get(key)).toEqual({
        timestampsMs: [startMs, startMs + 10_000, startMs + 20_000],
        values: [syntheticValue(id, 0), syntheticValue(id, 1), syntheticValue(id, 2)],
      });
    }
  });
});
