import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssBytesOf } from './proc-memory.js';
import { freePort } from './spawn-server.js';
import { parseVictoriaMetricsCounts, type VictoriaMetricsCounts, type VictoriaMetricsIngestType } from './victoria-metrics-counts.js';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;
/** /metrics is a page of some hundred lines: polled less often than Vigil's status, so that reading it costs VictoriaMetrics little. */
const METRICS_POLL_MS = 50;
/** VictoriaMetrics is taken to be stuck when its counts stay still this long (its slowest flush is 5 s). */
const STALL_MS = 60_000;
const STDERR_TAIL_CHARS = 2_000;

/** A victoria-metrics child process on free loopback ports with a throw-away storage folder. */
export interface RunningVictoriaMetrics {
  readonly process: ChildProcess;
  readonly httpPort: number;
  readonly graphitePort: number;
  readonly url: string;
  peakRssBytes(): number | null;
  counts(ingestType: VictoriaMetricsIngestType): Promise<VictoriaMetricsCounts>;
  /** SIGTERM (SIGKILL after 30 s), wait for exit, remove the storage folder. */
  stop(): Promise<void>;
}

/**
 * Starts VictoriaMetrics with its defaults but for where it listens and keeps data, and a retention
 * long enough for recorded loads (Vigil's benchmark server keeps every age too).
 */
export async function startVictoriaMetrics(binaryPath: string): Promise<RunningVictoriaMetrics> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-vm-data-'));
  const httpPort = await freePort();
  const graphitePort = await freePort();
  const child = spawn(
    binaryPath,
    [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${httpPort}`, `-graphiteListenAddr=127.0.0.1:${graphitePort}`, '-retentionPeriod=100y', '-loggerLevel=ERROR'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderrTail = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => stderrTail);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    process: child,
    httpPort,
    graphitePort,
    url,
    peakRssBytes: () => peakRssBytesOf(child.pid),
    counts: async (ingestType) => {
      const response = await fetch(new URL('/metrics', url));
      if (!response.ok) throw new Error(`cannot read VictoriaMetrics metrics: HTTP ${response.status}`);
      return parseVictoriaMetricsCounts(await response.text(), ingestType);
    },
    stop,
  };
}

async function waitForHealth(url: string, child: ChildProcess, stderrTail: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cannot start VictoriaMetrics: it exited with code ${child.exitCode}: ${stderrTail().trim().split('\n').pop() ?? ''}`);
    try {
      if ((await fetch(new URL('/health', url))).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`cannot start VictoriaMetrics: ${url}/health not ready after ${READY_TIMEOUT_MS} ms`);
}

/** Seconds from the first byte until each stage held every point, and what VictoriaMetrics counted at the end. */
export interface VictoriaMetricsTimings {
  readonly acceptedSeconds: number;
  readonly searchableSeconds: number;
  readonly onDiskSeconds: number;
  readonly counts: VictoriaMetricsCounts;
}

/**
 * Runs `send` against `vm` and polls its counts until `points` rows are in part files on disk,
 * noting when they were all inserted (accepted) and all searchable on the way. The clock starts
 * before `send`, as for Vigil. Throws when the counts stop moving short of `points`.
 */
export async function timeVictoriaMetricsLoad(vm: RunningVictoriaMetrics, ingestType: VictoriaMetricsIngestType, points: number, send: () => Promise<void>): Promise<VictoriaMetricsTimings> {
  const t0 = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
  await send();
  let acceptedSeconds: number | null = null;
  let searchableSeconds: number | null = null;
  let last = '';
  let lastChangeMs = Date.now();
  for (;;) {
    if (vm.process.exitCode !== null) throw new Error(`cannot finish the VictoriaMetrics run: it exited with code ${vm.process.exitCode}`);
    const counts = await vm.counts(ingestType);
    const now = elapsed();
    if (acceptedSeconds === null && counts.inserted >= points) acceptedSeconds = now;
    if (searchableSeconds === null && counts.searchable >= points) searchableSeconds = now;
    if (counts.onDisk >= points) return { acceptedSeconds: acceptedSeconds ?? now, searchableSeconds: searchableSeconds ?? now, onDiskSeconds: now, counts };
    const seen = `${counts.inserted}/${counts.searchable}/${counts.onDisk}`;
    if (seen !== last) {
      last = seen;
      lastChangeMs = Date.now();
    } else if (Date.now() - lastChangeMs > STALL_MS) {
      throw new Error(`cannot finish the VictoriaMetrics run: of ${points} points, ${counts.inserted} inserted, ${counts.searchable} searchable and ${counts.onDisk} on disk, and none more in ${STALL_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, METRICS_POLL_MS));
  }
}
