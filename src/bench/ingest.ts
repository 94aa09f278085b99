import { cpuProfileEnv } from './cpu-profile-env.js';
import { connect } from 'node:net';
import { recordedLoad, syntheticLoad, type LoadChunks } from './graphite-load.js';
import { peakRssBytesOf } from './proc-memory.js';
import { sendRemoteWrite, syntheticRemoteWriteLoad } from './remote-write-load.js';
import { spawnServer } from './spawn-server.js';
import { prepareVictoriaMetrics, type VictoriaMetricsBuildOptions } from './victoria-metrics-build.js';
import { startVictoriaMetrics, timeVictoriaMetricsLoad } from './victoria-metrics.js';

export const INGEST_PROTOCOLS = ['graphite', 'remote-write'] as const;
export type IngestProtocol = (typeof INGEST_PROTOCOLS)[number];

export interface IngestBenchOptions {
  readonly binPath: string;
  /** Graphite plaintext over TCP (default) or Prometheus remote write 1.0 over HTTP. */
  readonly protocol?: IngestProtocol;
  readonly series: number;
  readonly pointsPerSeries: number;
  readonly connections: number;
  readonly detection: boolean;
  /** Graphite plaintext file or directory to replay instead of the synthetic load (Graphite only). */
  readonly data?: string;
  /** Run the same load against VictoriaMetrics after Vigil (built from source on first use). */
  readonly victoriaMetrics: boolean;
  readonly victoriaMetricsBuild?: VictoriaMetricsBuildOptions;
  /** Remote write: series per request (default 2,000). */
  readonly seriesPerRequest?: number;
  /** Write the Vigil server's CPU profile into this directory. */
  readonly serverCpuProfileDir?: string;
  /** Progress notes (building VictoriaMetrics); none by default. */
  readonly note?: (line: string) => void;
}

/** VictoriaMetrics under the same load on the same machine, timed to three stages. */
export interface VictoriaMetricsIngestResult {
  /** The release its binary reports. */
  readonly version: string;
  /**
   * Points per second until every point was in part files on disk: what VictoriaMetrics says
   * survives the process being killed, the guarantee Vigil gives before it counts a point.
   */
  readonly pointsPerSecond: number;
  /** Until every point was inserted: held in memory (a remote write request is answered here). */
  readonly acceptedPointsPerSecond: number;
  /** Until every point was in parts that queries read (buffered rows join them about every 2 s). */
  readonly searchablePointsPerSecond: number;
  readonly acceptedSeconds: number;
  readonly searchableSeconds: number;
  readonly seconds: number;
  readonly points: number;
  readonly series: number;
  readonly peakRssBytes: number | null;
  readonly bytesPerSeries: number | null;
}

export type VictoriaMetricsOutcome = VictoriaMetricsIngestResult | { readonly skipped: string };

export interface IngestBenchResult {
  readonly suite: 'ingest';
  readonly protocol: IngestProtocol;
  readonly load: string;
  readonly detection: boolean;
  readonly series: number;
  /** Points sent: Graphite lines, or remote write samples. */
  readonly sent: number;
  /** Points Vigil reports durable. */
  readonly points: number;
  readonly rejected: number;
  readonly connections: number;
  /** Remote write requests sent, or null for Graphite. */
  readonly requests: number | null;
  readonly seconds: number;
  readonly pointsPerSecond: number;
  readonly peakRssBytes: number | null;
  readonly bytesPerSeries: number | null;
  readonly victoriaMetrics: VictoriaMetricsOutcome;
  /** Vigil's points per second durable over VictoriaMetrics' on disk; null when it was skipped. */
  readonly ratio: number | null;
}

interface Status {
  pointsReceived: number;
  pointsRejected: number;
  seriesCount: number;
}

/** What both servers are sent: the load, prebuilt, and how to send it to a port. */
interface PreparedLoad {
  readonly protocol: IngestProtocol;
  readonly description: string;
  readonly points: number;
  readonly connections: number;
  readonly requests: number | null;
  /** Sends everything to a Graphite port or an HTTP port, by protocol. */
  send(ports: { graphitePort: number; httpPort: number }): Promise<void>;
}

async function sendGraphite(port: number, chunks: LoadChunks): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  for (const chunk of chunks) {
    if (!socket.write(chunk)) await new Promise<void>((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

function prepareLoad(options: IngestBenchOptions): PreparedLoad {
  const protocol = options.protocol ?? 'graphite';
  if (protocol === 'remote-write') {
    if (options.data !== undefined) throw new Error('cannot run bench ingest: --data replays Graphite plaintext, so it needs --protocol graphite');
    const load = syntheticRemoteWriteLoad({
      series: options.series,
      pointsPerSeries: options.pointsPerSeries,
      connections: options.connections,
      ...(options.seriesPerRequest === undefined ? {} : { seriesPerRequest: options.seriesPerRequest }),
    });
    return {
      protocol,
      description: load.description,
      points: load.samples,
      connections: load.connections.length,
      requests: load.requests,
      send: ({ httpPort }) => sendRemoteWrite(httpPort, load.connections),
    };
  }
  const load = options.data === undefined ? syntheticLoad(options.series, options.pointsPerSeries, options.connections) : recordedLoad(options.data, options.connections);
  return {
    protocol,
    description: load.description,
    points: load.lines,
    connections: load.connections.length,
    requests: null,
    send: async ({ graphitePort }) => {
      await Promise.all(load.connections.map((chunks) => sendGraphite(graphitePort, chunks)));
    },
  };
}

async function status(url: string): Promise<Status> {
  return (await (await fetch(new URL('/api/v1/status', url))).json()) as Status;
}

function perSeries(bytes: number | null, series: number): number | null {
  return bytes === null || series === 0 ? null : Math.round(bytes / series);
}

/**
 * The load into a `vigil serve` child process, timed from the first byte until the server has
 * settled every point: each durable (pointsReceived counts points after their commit, and a remote
 * write request is answered only then) or rejected.
 */
async function runVigil(options: IngestBenchOptions, load: PreparedLoad): Promise<Omit<IngestBenchResult, 'victoriaMetrics' | 'ratio'>> {
  const server = await spawnServer({
    binPath: options.binPath,
    // Recorded data may be old: keep every age so that nothing is refused as out of retention.
    configYaml: `detection:\n  enabled: ${options.detection}\nstorage:\n  retentionDays: 100000\nhec:\n  enabled: false\n`,
    ...(options.serverCpuProfileDir === undefined ? {} : { env: cpuProfileEnv(options.serverCpuProfileDir, `server-${load.protocol}`) }),
  });
  try {
    const t0 = process.hrtime.bigint();
    await load.send(server);
    let s = await status(server.url);
    while (s.pointsReceived + s.pointsRejected < load.points) {
      await new Promise((r) => setTimeout(r, 20));
      s = await status(server.url);
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakRssBytes = server.peakRssBytes();
    return {
      suite: 'ingest',
      protocol: load.protocol,
      load: load.description,
      detection: options.detection,
      series: s.seriesCount,
      sent: load.points,
      points: s.pointsReceived,
      rejected: s.pointsRejected,
      connections: load.connections,
      requests: load.requests,
      seconds,
      pointsPerSecond: s.pointsReceived / seconds,
      peakRssBytes,
      bytesPerSeries: perSeries(peakRssBytes, s.seriesCount),
    };
  } finally {
    await server.stop();
  }
}

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function runVictoriaMetrics(binaryPath: string, version: string, load: PreparedLoad): Promise<VictoriaMetricsOutcome> {
  let vm;
  try {
    vm = await startVictoriaMetrics(binaryPath);
  } catch (err) {
    return { skipped: reason(err) };
  }
  try {
    const ingestType = load.protocol === 'graphite' ? 'graphite' : 'promremotewrite';
    const t = await timeVictoriaMetricsLoad(vm, ingestType, load.points, () => load.send(vm));
    const peakRssBytes = peakRssBytesOf(vm.process.pid);
    return {
      version,
      pointsPerSecond: t.counts.onDisk / t.onDiskSeconds,
      acceptedPointsPerSecond: t.counts.inserted / t.acceptedSeconds,
      searchablePointsPerSecond: t.counts.searchable / t.searchableSeconds,
      acceptedSeconds: t.acceptedSeconds,
      searchableSeconds: t.searchableSeconds,
      seconds: t.onDiskSeconds,
      points: t.counts.onDisk,
      series: t.counts.seriesCreated,
      peakRssBytes,
      bytesPerSeries: perSeries(peakRssBytes, t.counts.seriesCreated),
    };
  } catch (err) {
    return { skipped: reason(err) };
  } finally {
    await vm.stop();
  }
}

/**
 * `vigil bench ingest`: the same prebuilt load (Graphite plaintext or Prometheus remote write) into
 * Vigil and then, unless turned off, into VictoriaMetrics on the same machine, one at a time. The
 * load is built, and the VictoriaMetrics binary built or found, before any clock starts.
 */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const load = prepareLoad(options);
  const vmBinary = options.victoriaMetrics
    ? prepareVictoriaMetrics({ ...options.victoriaMetricsBuild, ...(options.note === undefined ? {} : { note: options.note }) })
    : { skipped: 'turned off by --no-victoria-metrics' };
  const vigil = await runVigil(options, load);
  const victoriaMetrics = 'skipped' in vmBinary ? vmBinary : await runVictoriaMetrics(vmBinary.binaryPath, vmBinary.version, load);
  const ratio = 'skipped' in victoriaMetrics ? null : vigil.pointsPerSecond / victoriaMetrics.pointsPerSecond;
  return { ...vigil, victoriaMetrics, ratio };
}

const PROTOCOL_NAMES: Readonly<Record<IngestProtocol, string>> = {
  graphite: 'Graphite plaintext over loopback TCP',
  'remote-write': 'Prometheus remote write 1.0 over loopback HTTP',
};

export function formatIngestResult(r: IngestBenchResult): string {
  const mib = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MiB`);
  const n = (x: number | null): string => (x === null ? 'n/a' : Math.round(x).toLocaleString('en-US'));
  const requests = r.requests === null ? '' : `, ${n(r.requests)} requests`;
  const lines = [
    `ingest: ${PROTOCOL_NAMES[r.protocol]}, ${r.connections} connections${requests}, ${r.load}`,
    `  Vigil, detection ${r.detection ? 'on' : 'off'}: ${n(r.points)} of ${n(r.sent)} points stored, ${n(r.rejected)} rejected, ${n(r.series)} series`,
    `    ${n(r.pointsPerSecond)} points/s durable (${r.seconds.toFixed(2)} s): committed to its store before counted or answered`,
    `    peak memory ${mib(r.peakRssBytes)} (${n(r.bytesPerSeries)} bytes per series, whole process)`,
  ];
  const vm = r.victoriaMetrics;
  if ('skipped' in vm) {
    lines.push(`  VictoriaMetrics: skipped: ${vm.skipped}`);
    return lines.join('\n');
  }
  lines.push(
    `  VictoriaMetrics ${vm.version}, defaults, same load after Vigil: ${n(vm.points)} points, ${n(vm.series)} series`,
    `    ${n(vm.acceptedPointsPerSecond)} points/s accepted (${vm.acceptedSeconds.toFixed(2)} s): inserted into memory buffers, lost if the process is killed`,
    `    ${n(vm.searchablePointsPerSecond)} points/s searchable (${vm.searchableSeconds.toFixed(2)} s): in in-memory parts that queries read (buffers join them about every 2 s)`,
    `    ${n(vm.pointsPerSecond)} points/s on disk (${vm.seconds.toFixed(2)} s): in part files, what survives a kill (flushed every 5 s, -inmemoryDataFlushInterval)`,
    `    peak memory ${mib(vm.peakRssBytes)} (${n(vm.bytesPerSeries)} bytes per series, whole process)`,
    `  Vigil / VictoriaMetrics: ${r.ratio!.toFixed(2)}x points/s with the same guarantee (durable vs on disk); ${(r.pointsPerSecond / vm.acceptedPointsPerSecond).toFixed(2)}x vs accepted, ${(r.pointsPerSecond / vm.searchablePointsPerSecond).toFixed(2)}x vs searchable`,
  );
  return lines.join('\n');
}
