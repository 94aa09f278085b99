import { connect, type Socket } from 'node:net';
import { spawnServer } from './spawn-server.js';

export interface IngestBenchOptions {
  readonly binPath: string;
  readonly series: number;
  readonly pointsPerSeries: number;
  readonly connections: number;
  readonly detection: boolean;
}

export interface IngestBenchResult {
  readonly suite: 'ingest';
  readonly protocol: 'graphite';
  readonly detection: boolean;
  readonly series: number;
  readonly points: number;
  readonly connections: number;
  readonly seconds: number;
  readonly pointsPerSecond: number;
  readonly peakRssBytes: number | null;
  readonly bytesPerSeries: number | null;
}

/** Lines of one sending connection: every series it owns, one timestamp after another. */
function* lineChunks(firstSeries: number, seriesCount: number, pointsPerSeries: number, startSeconds: number): Generator<Buffer> {
  const names: string[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const id = firstSeries + s;
    names.push(`bench.app${id % 50}.metric${id};host=h${id % 200}`);
  }
  for (let p = 0; p < pointsPerSeries; p++) {
    const ts = startSeconds + p * 10;
    let text = '';
    for (let s = 0; s < seriesCount; s++) {
      // A noisy level per series: cheap to make, and realistic enough for the detectors to do real work.
      const value = 100 + ((s * 7919 + p * 104_729) % 1000) / 10;
      text += `${names[s]} ${value} ${ts}\n`;
      if (text.length > 256 * 1024) {
        yield Buffer.from(text, 'latin1');
        text = '';
      }
    }
    if (text.length > 0) yield Buffer.from(text, 'latin1');
  }
}

async function send(socket: Socket, chunks: Generator<Buffer>): Promise<void> {
  for (const chunk of chunks) {
    if (!socket.write(chunk)) await new Promise<void>((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function pointsReceived(url: string): Promise<number> {
  const response = await fetch(new URL('/api/v1/status', url));
  return ((await response.json()) as { pointsReceived: number }).pointsReceived;
}

/**
 * Graphite plaintext over loopback TCP into a `vigil serve` child process, timed from the first byte
 * until the server reports every point durable (pointsReceived counts points after their commit).
 */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const server = await spawnServer({
    binPath: options.binPath,
    configYaml: `detection:\n  enabled: ${options.detection}\n`,
  });
  try {
    const total = options.series * options.pointsPerSeries;
    const startSeconds = Math.floor(Date.now() / 1000) - options.pointsPerSeries * 10;
    const perConnection = Math.ceil(options.series / options.connections);
    const t0 = process.hrtime.bigint();
    const senders: Promise<void>[] = [];
    for (let c = 0; c < options.connections; c++) {
      const first = c * perConnection;
      const count = Math.min(perConnection, options.series - first);
      if (count <= 0) break;
      const socket = connect(server.graphitePort, '127.0.0.1');
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      senders.push(send(socket, lineChunks(first, count, options.pointsPerSeries, startSeconds)));
    }
    await Promise.all(senders);
    let received = await pointsReceived(server.url);
    while (received < total) {
      await new Promise((r) => setTimeout(r, 20));
      received = await pointsReceived(server.url);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakRssBytes = server.peakRssBytes();
    return {
      suite: 'ingest',
      protocol: 'graphite',
      detection: options.detection,
      series: options.series,
      points: total,
      connections: options.connections,
      seconds,
      pointsPerSecond: total / seconds,
      peakRssBytes,
      bytesPerSeries: peakRssBytes === null ? null : Math.round(peakRssBytes / options.series),
    };
  } finally {
    await server.stop();
  }
}

export function formatIngestResult(r: IngestBenchResult): string {
  const mib = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MiB`);
  return [
    `ingest: graphite plaintext over loopback TCP, detection ${r.detection ? 'on' : 'off'}`,
    `  ${r.points.toLocaleString('en-US')} points, ${r.series.toLocaleString('en-US')} series, ${r.connections} connections`,
    `  ${Math.round(r.pointsPerSecond).toLocaleString('en-US')} points/s durable (${r.seconds.toFixed(2)} s)`,
    `  peak server memory ${mib(r.peakRssBytes)} (${r.bytesPerSeries ?? 'n/a'} bytes per series, whole process)`,
  ].join('\n');
}
