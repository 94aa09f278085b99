import { connect } from 'node:net';
import { recordedLoad, syntheticLoad, type GraphiteLoad, type LoadChunks } from './graphite-load.js';
import { spawnServer } from './spawn-server.js';

export interface IngestBenchOptions {
  readonly binPath: string;
  readonly series: number;
  readonly pointsPerSeries: number;
  readonly connections: number;
  readonly detection: boolean;
  /** Graphite plaintext file or directory to replay instead of the synthetic load. */
  readonly data?: string;
}

export interface IngestBenchResult {
  readonly suite: 'ingest';
  readonly protocol: 'graphite';
  readonly load: string;
  readonly detection: boolean;
  readonly series: number;
  readonly lines: number;
  readonly points: number;
  readonly rejected: number;
  readonly connections: number;
  readonly seconds: number;
  readonly pointsPerSecond: number;
  readonly peakRssBytes: number | null;
  readonly bytesPerSeries: number | null;
}

interface Status {
  pointsReceived: number;
  pointsRejected: number;
  seriesCount: number;
}

async function send(port: number, chunks: LoadChunks): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (const chunk of chunks) {
    if (!socket.write(chunk)) await new Promise<void>((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function status(url: string): Promise<Status> {
  return (await (await fetch(new URL('/api/v1/status', url))).json()) as Status;
}

/**
 * Graphite plaintext over loopback TCP into a `vigil serve` child process, timed from the first byte
 * until the server has settled every line: each point durable (pointsReceived counts points after
 * their commit) or rejected.
 */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const load: GraphiteLoad = options.data === undefined ? syntheticLoad(options.series, options.pointsPerSeries, options.connections) : recordedLoad(options.data, options.connections);
  const server = await spawnServer({
    binPath: options.binPath,
    // Recorded data may be old: keep every age so that nothing is refused as out of retention.
    configYaml: `detection:\n  enabled: ${options.detection}\nstorage:\n  retentionDays: 100000\n`,
  });
  try {
    const t0 = process.hrtime.bigint();
    await Promise.all(load.connections.map((chunks) => send(server.graphitePort, chunks)));
    let s = await status(server.url);
    while (s.pointsReceived + s.pointsRejected < load.lines) {
      await new Promise((r) => setTimeout(r, 20));
      s = await status(server.url);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakRssBytes = server.peakRssBytes();
    return {
      suite: 'ingest',
      protocol: 'graphite',
      load: load.description,
      detection: options.detection,
      series: s.seriesCount,
      lines: load.lines,
      points: s.pointsReceived,
      rejected: s.pointsRejected,
      connections: load.connections.length,
      seconds,
      pointsPerSecond: s.pointsReceived / seconds,
      peakRssBytes,
      bytesPerSeries: peakRssBytes === null || s.seriesCount === 0 ? null : Math.round(peakRssBytes / s.seriesCount),
    };
  } finally {
    await server.stop();
  }
}

export function formatIngestResult(r: IngestBenchResult): string {
  const mib = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MiB`);
  const n = (x: number): string => x.toLocaleString('en-US');
  return [
    `ingest: graphite plaintext over loopback TCP, detection ${r.detection ? 'on' : 'off'}, ${r.load}`,
    `  ${n(r.points)} points stored, ${n(r.rejected)} lines rejected, ${n(r.series)} series, ${r.connections} connections`,
    `  ${n(Math.round(r.pointsPerSecond))} points/s durable (${r.seconds.toFixed(2)} s)`,
    `  peak server memory ${mib(r.peakRssBytes)} (${r.bytesPerSeries === null ? 'n/a' : n(r.bytesPerSeries)} bytes per series, whole process)`,
  ].join('\n');
}
