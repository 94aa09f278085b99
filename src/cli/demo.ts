import { HOUR_MS } from '../model/index.js';
import { DEMO_DEFAULTS, describeIncident, planDemo, runDemo } from '../demo/index.js';
import { VigilServer } from '../server/index.js';
import { configFromFlags, type ServerFlags } from './config-flags.js';

export interface DemoFlags extends ServerFlags {
  readonly url: string;
  /** Hours of history. */
  readonly history: number;
  readonly seed: number;
  /** Seconds of live phase; undefined runs until Ctrl-C. */
  readonly duration?: number;
}

interface Target {
  readonly uiUrl: string;
  readonly graphiteHost: string;
  readonly graphitePort: number;
  readonly server: VigilServer | null;
}

async function findRunningServer(url: string): Promise<Target | null> {
  try {
    const response = await fetch(new URL('/api/v1/status', url), { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return null;
    const status = (await response.json()) as { graphite: { enabled: boolean; tcpPort: number } };
    if (!status.graphite.enabled) throw new Error(`cannot feed ${url}: its Graphite listener is disabled`);
    return { uiUrl: url, graphiteHost: new URL(url).hostname, graphitePort: status.graphite.tcpPort, server: null };
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('cannot feed')) throw err;
    return null;
  }
}

/** Feeds a simulated fleet to a running server, or starts one in this process when none answers. */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const err = (line: string): boolean => process.stderr.write(`${line}\n`);
  let target = await findRunningServer(flags.url);
  if (target === null) {
    const server = new VigilServer(configFromFlags(flags));
    await server.start();
    const a = server.addresses;
    target = { uiUrl: `http://localhost:${a.httpPort}/`, graphiteHost: '127.0.0.1', graphitePort: a.graphiteTcpPort ?? 2003, server };
    err(`demo: no server answered at ${flags.url}, so one started in this process (data in ${server.config.dataDir})`);
  }
  const planOptions = {
    historyMs: flags.history * HOUR_MS,
    stepMs: DEMO_DEFAULTS.stepMs,
    liveIntervalMs: DEMO_DEFAULTS.liveIntervalMs,
    seed: flags.seed,
    ...(flags.duration === undefined ? {} : { durationMs: flags.duration * 1000 }),
  };
  const plan = planDemo(planOptions);
  err(`demo: ${plan.seriesCount} series, ${flags.history} h of history, then a point per series every ${plan.liveIntervalMs / 1000} s`);
  err('demo: incidents:');
  for (const incident of plan.incidents) err(`  ${describeIncident(incident)}`);
  err(`demo: open ${target.uiUrl} — anomalies from the history show at once, live ones within a minute. Ctrl-C stops.`);

  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let lastPhase = '';
  try {
    const result = await runDemo({
      ...planOptions,
      startMs: plan.startMs,
      host: target.graphiteHost,
      graphitePort: target.graphitePort,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase !== lastPhase) err(`demo: ${p.phase} phase`);
        lastPhase = p.phase;
      },
      onConnectError: (e) => err(`demo: cannot connect to Graphite at ${target.graphiteHost}:${target.graphitePort} (${e.error.message}); retrying in ${e.retryInMs} ms`),
    });
    err(`demo: sent ${result.pointsSent} points${result.aborted ? ' (stopped)' : ''}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await target.server?.stop();
  }
}
