import { DAY_MS } from '../model/index.js';
import type { BackoffOptions, Clock } from '../util/index.js';
import { systemClock } from '../util/index.js';
import { FleetSimulator } from './fleet.js';
import { GraphiteFeeder } from './graphite-feeder.js';
import { formatGraphiteLines } from './graphite-lines.js';
import type { DemoPhase, Incident } from './incidents.js';
import { demoIncidents } from './incidents.js';
import { DEFAULT_HOSTS_PER_SERVICE, DEFAULT_SERVICES } from './layout.js';

export interface DemoProgress {
  readonly phase: DemoPhase;
  /** Points handed to the kernel so far. */
  readonly pointsSent: number;
  /** Timestamp of the last point generated. */
  readonly simulatedTimeMs: number;
}

export interface DemoPlanOptions {
  /** Length of the backfilled history before the start. */
  readonly historyMs: number;
  /** Spacing of history points; a whole number of seconds. */
  readonly stepMs: number;
  /** Spacing of live points, sent in real time; a whole number of seconds. */
  readonly liveIntervalMs: number;
  readonly seed: number;
  /** Length of the live phase; undefined: until stopped. */
  readonly durationMs?: number;
  readonly services?: readonly string[];
  readonly hostsPerService?: number;
  /** First live timestamp; default: now, rounded down to a multiple of liveIntervalMs. */
  readonly startMs?: number;
  readonly clock?: Clock;
}

export interface DemoOptions extends DemoPlanOptions {
  readonly host: string;
  readonly graphitePort: number;
  readonly signal?: AbortSignal;
  onProgress?(progress: DemoProgress): void;
  /** The server is not reachable (yet); the demo keeps retrying. */
  onConnectError?(event: { error: Error; attempt: number; retryInMs: number }): void;
  readonly backoff?: BackoffOptions;
}

export interface DemoPlan {
  readonly fleet: FleetSimulator;
  readonly incidents: readonly Incident[];
  readonly seriesCount: number;
  readonly startMs: number;
  /** History points lie at historyFromMs + k × stepMs for k in 0..historySteps-1; the last is startMs − stepMs. */
  readonly historyFromMs: number;
  readonly historySteps: number;
  readonly stepMs: number;
  readonly liveIntervalMs: number;
  /** Live points lie at startMs + k × liveIntervalMs for k in 0..liveTicks-1; null: until stopped. */
  readonly liveTicks: number | null;
}

export interface DemoResult {
  readonly startMs: number;
  readonly seriesCount: number;
  readonly historyPoints: number;
  readonly livePoints: number;
  /** Points handed to the kernel: all of historyPoints + livePoints unless aborted. */
  readonly pointsSent: number;
  readonly aborted: boolean;
}

export const DEMO_DEFAULTS = {
  host: '127.0.0.1',
  graphitePort: 2003,
  historyMs: 3 * DAY_MS,
  stepMs: 60_000,
  liveIntervalMs: 10_000,
  seed: 42,
  services: DEFAULT_SERVICES,
  hostsPerService: DEFAULT_HOSTS_PER_SERVICE,
} as const;

/** What the demo will send, and when; pure apart from reading the clock when startMs is not given. */
export function planDemo(options: DemoPlanOptions): DemoPlan {
  wholeSeconds(options.stepMs, 'stepMs');
  wholeSeconds(options.liveIntervalMs, 'liveIntervalMs');
  if (!Number.isFinite(options.historyMs) || options.historyMs < 0) {
    throw new Error(`cannot plan demo: historyMs must be a non-negative number, got ${options.historyMs}`);
  }
  if (options.durationMs !== undefined && !(options.durationMs >= 0 && Number.isFinite(options.durationMs))) {
    throw new Error(`cannot plan demo: durationMs must be a non-negative number, got ${options.durationMs}`);
  }
  const { stepMs, liveIntervalMs } = options;
  const services = options.services ?? DEMO_DEFAULTS.services;
  const hostsPerService = options.hostsPerService ?? DEMO_DEFAULTS.hostsPerService;
  const startMs = options.startMs ?? Math.floor((options.clock ?? systemClock).nowMs() / liveIntervalMs) * liveIntervalMs;
  if (!Number.isFinite(startMs) || startMs % 1000 !== 0) throw new Error(`cannot plan demo: startMs must be a whole second, got ${startMs}`);
  const historySteps = Math.floor(options.historyMs / stepMs);
  const incidents = demoIncidents({ startMs, historySteps, stepMs, liveIntervalMs, services, hostsPerService });
  const fleet = new FleetSimulator({ seed: options.seed, services, hostsPerService, incidents });
  return {
    fleet,
    incidents,
    seriesCount: fleet.series.length,
    startMs,
    historyFromMs: startMs - historySteps * stepMs,
    historySteps,
    stepMs,
    liveIntervalMs,
    liveTicks: options.durationMs === undefined ? null : Math.ceil(options.durationMs / liveIntervalMs),
  };
}

/**
 * Runs `vigil demo`'s traffic: sends the history as fast as the server takes it, then one point per series
 * every liveIntervalMs of wall time, stamped with that time. Resolves when the live phase is over or the
 * signal aborts (then with `aborted: true`); while the server is unreachable it keeps retrying.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const plan = planDemo(options);
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  const feeder = new GraphiteFeeder({
    host: options.host,
    port: options.graphitePort,
    backoff: options.backoff,
    onConnectError: (event) => options.onConnectError?.(event),
  });
  let historyPoints = 0;
  let livePoints = 0;
  const result = (): DemoResult => ({
    startMs: plan.startMs,
    seriesCount: plan.seriesCount,
    historyPoints,
    livePoints,
    pointsSent: feeder.pointsSent,
    aborted: signal?.aborted ?? false,
  });
  if (signal?.aborted) return result();

  // Stopping the feeder rejects whatever write or flush is waiting, which ends the run below.
  const onAbort = (): void => void feeder.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await feeder.start();
    const report = (phase: DemoPhase, simulatedTimeMs: number): void =>
      options.onProgress?.({ phase, pointsSent: feeder.pointsSent, simulatedTimeMs });

    for (const chunk of plan.fleet.generate(plan.historyFromMs, plan.startMs, plan.stepMs)) {
      await feeder.write(formatGraphiteLines(chunk), chunk.length);
      historyPoints += chunk.length;
      report('history', chunk.timestampsMs[chunk.length - 1]);
    }
    await feeder.flush();
    if (plan.historySteps > 0) report('history', plan.startMs - plan.stepMs);

    for (let tick = 0; plan.liveTicks === null || tick < plan.liveTicks; tick++) {
      const tickMs = plan.startMs + tick * plan.liveIntervalMs;
      if (!(await sleepUntil(clock, tickMs, signal))) break;
      for (const chunk of plan.fleet.generate(tickMs, tickMs + plan.liveIntervalMs, plan.liveIntervalMs)) {
        await feeder.write(formatGraphiteLines(chunk), chunk.length);
        livePoints += chunk.length;
      }
      await feeder.flush();
      report('live', tickMs);
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await feeder.stop();
  }
  return result();
}

/** Waits until the clock reaches `targetMs`; false when aborted first. */
function sleepUntil(clock: Clock, targetMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const delayMs = targetMs - clock.nowMs();
    if (delayMs <= 0) {
      resolve(true);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function wholeSeconds(value: number, field: string): void {
  if (!Number.isInteger(value) || value <= 0 || value % 1000 !== 0) {
    throw new Error(`cannot plan demo: ${field} must be a positive whole number of seconds in ms (Graphite timestamps are seconds), got ${value}`);
  }
}
