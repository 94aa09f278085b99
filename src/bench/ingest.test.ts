import { describe, expect, it } from 'vitest';
import { formatIngestResult, type IngestBenchResult } from './ingest.js';

const VIGIL: IngestBenchResult = {
  suite: 'ingest',
  protocol: 'remote-write',
  load: '10,000 synthetic series, up to 2,000 per request',
  detection: true,
  series: 10_000,
  sent: 1_000_000,
  points: 1_000_000,
  rejected: 0,
  connections: 2,
  requests: 500,
  seconds: 2.5,
  pointsPerSecond: 400_000,
  peakRssBytes: 400 * 1024 * 1024,
  bytesPerSeries: 41_943,
  victoriaMetrics: { skipped: 'turned off by --no-victoria-metrics' },
  ratio: null,
};

describe('formatIngestResult', () => {
  it("prints Vigil's figures and one line saying why VictoriaMetrics was skipped", () => {
    const text = formatIngestResult(VIGIL);
    expect(text).toContain('ingest: Prometheus remote write 1.0 over loopback HTTP, 2 connections, 500 requests, 10,000 synthetic series');
    expect(text).toContain('400,000 points/s durable (2.50 s)');
    expect(text).toContain('peak memory 400.0 MiB (41,943 bytes per series, whole process)');
    expect(text.split('\n').at(-1)).toBe('  VictoriaMetrics: skipped: turned off by --no-victoria-metrics');
  });

  it('prints each VictoriaMetrics stage and the ratios to each, the same-guarantee one first', () => {
    const text = formatIngestResult({
      ...VIGIL,
      victoriaMetrics: {
        version: 'v1.122.0',
        pointsPerSecond: 100_000,
        acceptedPointsPerSecond: 1_600_000,
        searchablePointsPerSecond: 250_000,
        acceptedSeconds: 0.625,
        searchableSeconds: 4,
        seconds: 10,
        points: 1_000_000,
        series: 10_000,
        peakRssBytes: 100 * 1024 * 1024,
        bytesPerSeries: 10_486,
      },
      ratio: 4,
    });
    expect(text).toContain('VictoriaMetrics v1.122.0, defaults, same load after Vigil: 1,000,000 points, 10,000 series');
    expect(text).toContain('1,600,000 points/s accepted (0.63 s)');
    expect(text).toContain('250,000 points/s searchable (4.00 s)');
    expect(text).toContain('100,000 points/s on disk (10.00 s)');
    expect(text).toContain('peak memory 100.0 MiB (10,486 bytes per series, whole process)');
    expect(text.split('\n').at(-1)).toBe('  Vigil / VictoriaMetrics: 4.00x points/s with the same guarantee (durable vs on disk); 0.25x vs accepted, 1.60x vs searchable');
  });
});
