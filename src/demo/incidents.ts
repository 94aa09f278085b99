import { HOUR_MS } from '../model/index.js';
import type { FleetHost, MetricName } from './layout.js';
import { fleetHosts, hostsOfService } from './layout.js';

/**
 * - `spike`: each effect multiplies its metric by `amount` during [startMs, startMs + durationMs).
 * - `level_shift`: each effect multiplies its metric by `amount` from startMs on (durationMs null: it stays).
 * - `drift`: each effect adds `amount × progress` to its metric, progress rising linearly from 0 to 1 over
 *   [startMs, startMs + durationMs); afterwards the value is back to normal (the process was restarted).
 */
export type IncidentKind = 'spike' | 'level_shift' | 'drift';
export type DemoPhase = 'history' | 'live';

export interface IncidentEffect {
  readonly metric: MetricName;
  readonly amount: number;
}

export interface Incident {
  readonly id: string;
  readonly kind: IncidentKind;
  /** Which phase of the demo sends the points it changes. */
  readonly phase: DemoPhase;
  readonly service: string;
  /** The one host it hits, or null for every host of the service. */
  readonly host: string | null;
  readonly startMs: number;
  /** Null: lasts for ever. */
  readonly durationMs: number | null;
  readonly effects: readonly IncidentEffect[];
  /** The deploy that caused it, when one did (for example `checkout v2.3.1`). */
  readonly deploy: string | null;
  /** One line for people, without the time: "level shift on checkout errors.rate … after deploy checkout v2.3.1". */
  readonly description: string;
}

export interface DemoIncidentOptions {
  /** First live point; history lies before it. */
  readonly startMs: number;
  /** Number of history steps that end just before startMs. */
  readonly historySteps: number;
  readonly stepMs: number;
  readonly liveIntervalMs: number;
  readonly services: readonly string[];
  readonly hostsPerService: number;
}

/**
 * The incidents of the demo. History gets one of each kind, placed at fixed fractions of the history so that
 * any history length holds them and the default three days leave a warmed-up baseline before each; the live
 * phase gets a latency spike two intervals in (20 s by default), a level shift after a deploy five intervals
 * in (50 s), and a slow CPU drift from the twelfth interval on.
 */
export function demoIncidents(options: DemoIncidentOptions): Incident[] {
  const { startMs, historySteps, stepMs, liveIntervalMs, services } = options;
  const hosts = fleetHosts(services, options.hostsPerService);
  const first = services[0];
  const second = services[1 % services.length];
  const third = services[2 % services.length];
  const incidents: Incident[] = [];

  if (historySteps > 0) {
    const stepsBack = (fraction: number): number => Math.max(1, Math.min(historySteps, Math.round(fraction * historySteps)));
    const driftSteps = Math.max(1, Math.min(Math.round((6 * HOUR_MS) / stepMs), Math.round(0.2 * historySteps)));
    incidents.push(
      drift('history-drift', 'history', pickHost(hosts, second, -1), startMs - stepsBack(0.65) * stepMs, driftSteps * stepMs, 35),
      levelShift('history-level-shift', 'history', third, startMs - stepsBack(0.4) * stepMs, `${third} v1.8.0`, 5, 1.3, 1.8),
      spike('history-spike', 'history', pickHost(hosts, first, 1), startMs - stepsBack(0.15) * stepMs, Math.min(4, historySteps) * stepMs, 6),
    );
  }
  incidents.push(
    spike('live-spike', 'live', pickHost(hosts, third, 1), startMs + 2 * liveIntervalMs, 3 * liveIntervalMs, 6),
    levelShift('live-level-shift', 'live', second, startMs + 5 * liveIntervalMs, `${second} v2.3.1`, 8, 1.4, 1.7),
    drift('live-drift', 'live', pickHost(hosts, first, -1), startMs + 12 * liveIntervalMs, HOUR_MS, 30),
  );
  return incidents;
}

/** "at 2024-05-01T12:00:00.000Z: level shift on checkout …" */
export function describeIncident(incident: Incident): string {
  return `at ${new Date(incident.startMs).toISOString()}: ${incident.description}`;
}

/** Whether the incident changes `host` of `service` at all. */
export function incidentHits(incident: Incident, service: string, host: string): boolean {
  return incident.service === service && (incident.host === null || incident.host === host);
}

/** The value after the incident's effect on one metric at one time (unchanged outside its window). */
export function applyIncidentEffect(incident: Incident, effect: IncidentEffect, timestampMs: number, value: number): number {
  const elapsedMs = timestampMs - incident.startMs;
  if (elapsedMs < 0) return value;
  if (incident.durationMs !== null && elapsedMs >= incident.durationMs) return value;
  if (incident.kind === 'drift') {
    const progress = incident.durationMs === null ? 1 : elapsedMs / incident.durationMs;
    return value + effect.amount * progress;
  }
  return value * effect.amount;
}

/** Host at `position` among the service's hosts; negative counts from the end. Services with fewer hosts wrap. */
function pickHost(hosts: readonly FleetHost[], service: string, position: number): FleetHost {
  const own = hostsOfService(hosts, service);
  const i = ((position % own.length) + own.length) % own.length;
  return own[i];
}

function spike(id: string, phase: DemoPhase, target: FleetHost, startMs: number, durationMs: number, factor: number): Incident {
  return {
    id,
    kind: 'spike',
    phase,
    service: target.service,
    host: target.host,
    startMs,
    durationMs,
    effects: [{ metric: 'latency.p99', amount: factor }],
    deploy: null,
    description: `latency spike on ${target.service} ${target.host}: latency.p99 ×${factor} for ${formatDuration(durationMs)}`,
  };
}

function levelShift(
  id: string,
  phase: DemoPhase,
  service: string,
  startMs: number,
  deploy: string,
  errorFactor: number,
  p50Factor: number,
  p99Factor: number,
): Incident {
  return {
    id,
    kind: 'level_shift',
    phase,
    service,
    host: null,
    startMs,
    durationMs: null,
    effects: [
      { metric: 'errors.rate', amount: errorFactor },
      { metric: 'latency.p50', amount: p50Factor },
      { metric: 'latency.p99', amount: p99Factor },
    ],
    deploy,
    description:
      `level shift on ${service} errors.rate ×${errorFactor}, latency.p50 ×${p50Factor}, latency.p99 ×${p99Factor} ` +
      `on every host after deploy ${deploy}`,
  };
}

function drift(id: string, phase: DemoPhase, target: FleetHost, startMs: number, durationMs: number, points: number): Incident {
  return {
    id,
    kind: 'drift',
    phase,
    service: target.service,
    host: target.host,
    startMs,
    durationMs,
    effects: [{ metric: 'cpu.utilization', amount: points }],
    deploy: null,
    description:
      `slow drift on ${target.service} ${target.host}: cpu.utilization creeping up by ${points} points ` +
      `over ${formatDuration(durationMs)}, then back after a restart`,
  };
}

function formatDuration(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
