import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `vigil serve` child process on free ports with a throw-away data directory. */
export interface SpawnedServer {
  readonly process: ChildProcess;
  readonly httpPort: number;
  readonly graphitePort: number;
  readonly graphitePicklePort: number;
  readonly otlpPort: number;
  /** StatsD UDP port. */
  readonly statsdPort: number;
  /** Splunk HEC port. */
  readonly hecPort: number;
  /** Syslog TCP and UDP port. */
  readonly syslogPort: number;
  readonly dataDir: string;
  readonly url: string;
  /** Peak resident memory of the server so far, from /proc (Linux); null elsewhere. */
  peakRssBytes(): number | null;
  /** SIGTERM and wait for exit; the data directory is removed unless keepData. */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForReady(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child !== undefined && child.exitCode !== null) throw new Error(`cannot start server: it exited with code ${child.exitCode}`);
    try {
      const response = await fetch(new URL('/readyz', url));
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`cannot start server: ${url}/readyz not ready after ${timeoutMs} ms`);
}

export async function spawnServer(options: { binPath: string; configYaml?: string; dataDir?: string; extraArgs?: readonly string[]; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number }): Promise<SpawnedServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-server-'));
  const httpPort = await freePort();
  const graphitePort = await freePort();
  const hecPort = await freePort();
  const syslogPort = await freePort();
  const graphitePicklePort = await freePort();
  const otlpPort = await freePort();
  const statsdPort = await freePort();
  const args = [
    options.binPath, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--http-port', String(httpPort), '--graphite-port', String(graphitePort),
    '--graphite-pickle-port', String(graphitePicklePort), '--otlp-port', String(otlpPort), '--statsd-port', String(statsdPort),
    '--hec-port', String(hecPort), '--syslog-port', String(syslogPort), '--log-level', 'warn',
  ];
  if (options.configYaml !== undefined) {
    const configFile = join(dataDir, 'bench-config.yaml');
    writeFileSync(configFile, options.configYaml);
    args.push('--config', configFile);
  }
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: options.env ?? process.env });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitForReady(url, options.readyTimeoutMs ?? 60_000, child);
  return {
    process: child,
    httpPort,
    graphitePort,
    graphitePicklePort,
    otlpPort,
    statsdPort,
    hecPort,
    syslogPort,
    dataDir,
    url,
    peakRssBytes: () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return match === null ? null : Number(match[1]) * 1024;
      } catch {
        return null;
      }
    },
    stop: async ({ keepData = false } = {}) => {
      const code = child.exitCode !== null ? child.exitCode : await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      if (!keepData && options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
