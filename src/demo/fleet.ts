import type { KeyedPoints } from '../model/index.js';
import { hashSeriesKey, MINUTE_MS, seriesKey } from '../model/index.js';
import type { Incident, IncidentEffect } from './incidents.js';
import { applyIncidentEffect, incidentHits } from './incidents.js';
import type { FleetHost, MetricName } from './layout.js';
import { DEFAULT_HOSTS_PER_SERVICE, DEFAULT_SERVICES, fleetHosts, METRIC_INDEX, METRICS } from './layout.js';
import { seededRandom } from '../util/index.js';
import { gaussianAt, smoothNoiseAt, uniformAt } from './prng.js';
import { seasonalLoad } from './seasonality.js';

export interface FleetOptions {
  readonly seed: number;
  readonly services?: readonly string[];
  readonly hostsPerService?: number;
  readonly incidents?: readonly Incident[];
}

export interface FleetSeries {
  /** Position in `FleetSimulator.series`: host-major, then the order of METRICS. */
  readonly index: number;
  /** Canonical tagged key, for example `requests.rate;host=web-1;service=api`. */
  readonly key: string;
  readonly metric: MetricName;
  readonly service: string;
  readonly host: string;
}

/** What a service looks like at the peak of a weekday. */
interface ServiceProfile {
  readonly peakRatePerSecond: number;
  readonly p50Ms: number;
  readonly errorFraction: number;
}

const KNOWN_PROFILES: ReadonlyMap<string, ServiceProfile> = new Map([
  ['api', { peakRatePerSecond: 420, p50Ms: 45, errorFraction: 0.002 }],
  ['checkout', { peakRatePerSecond: 90, p50Ms: 120, errorFraction: 0.004 }],
  ['search', { peakRatePerSecond: 260, p50Ms: 70, errorFraction: 0.001 }],
]);

interface HostParams {
  readonly peakRatePerSecond: number;
  readonly p50Ms: number;
  readonly errorFraction: number;
  /** CPU fraction used with no load, and added per unit of relative load. */
  readonly cpuIdle: number;
  readonly cpuPerLoad: number;
}

interface HostEffect {
  readonly incident: Incident;
  readonly effect: IncidentEffect;
  readonly metricIndex: number;
}

// Noise streams per host; a host's stream id is hostIndex * STREAMS_PER_HOST + one of these.
const STREAMS_PER_HOST = 16;
const STREAM_PARAMS = 0;
const STREAM_WANDER = 1;
const STREAM_RATE = 2;
const STREAM_P50 = 3;
const STREAM_P99 = 4;
const STREAM_TAIL = 5;
const STREAM_ERRORS = 6;
const STREAM_CPU = 7;

const WANDER_PERIOD_MS = 20 * MINUTE_MS;
const DEFAULT_POINTS_PER_CHUNK = 4096;

/**
 * A deterministic fleet: every value is a pure function of (seed, incidents, series, timestamp), so the same
 * seed gives the same numbers whatever the step, the chunking or the order of calls.
 *
 * Per host: request rate follows the daily and weekly load with slow wander and a little noise; CPU follows
 * the request rate; latency grows with CPU (p99 a multiple of p50 with log-normal, occasionally heavier
 * noise); errors are a small, noisy fraction of requests. Incidents are applied on top, then values are
 * rounded to 0.001 as an exporter would print them.
 */
export class FleetSimulator {
  readonly seed: number;
  readonly hosts: readonly FleetHost[];
  readonly series: readonly FleetSeries[];
  readonly incidents: readonly Incident[];
  private readonly params: readonly HostParams[];
  private readonly effectsByHost: readonly (readonly HostEffect[])[];

  constructor(options: FleetOptions) {
    if (!Number.isFinite(options.seed)) throw new Error(`cannot create fleet: seed must be a finite number, got ${options.seed}`);
    this.seed = options.seed >>> 0;
    this.hosts = fleetHosts(options.services ?? DEFAULT_SERVICES, options.hostsPerService ?? DEFAULT_HOSTS_PER_SERVICE);
    this.incidents = options.incidents ?? [];
    const series: FleetSeries[] = [];
    for (const h of this.hosts) {
      for (const metric of METRICS) {
        series.push({ index: series.length, key: seriesKey(metric, { host: h.host, service: h.service }), metric, service: h.service, host: h.host });
      }
    }
    this.series = series;
    this.params = this.hosts.map((h) => this.hostParams(h));
    this.effectsByHost = this.hosts.map((h) =>
      this.incidents
        .filter((incident) => incidentHits(incident, h.service, h.host))
        .flatMap((incident) => incident.effects.map((effect) => ({ incident, effect, metricIndex: METRIC_INDEX[effect.metric] }))),
    );
  }

  /** Fills `out` (at least METRICS.length long) with every metric of one host at one time, in METRICS order. */
  sampleHost(hostIndex: number, timestampMs: number, out: Float64Array): void {
    if (hostIndex < 0 || hostIndex >= this.hosts.length || !Number.isInteger(hostIndex)) {
      throw new Error(`cannot sample host: index ${hostIndex} is outside 0..${this.hosts.length - 1}`);
    }
    this.sampleInto(hostIndex, timestampMs, seasonalLoad(timestampMs), out);
  }

  /** The value of one series at one time. */
  valueAt(seriesIndex: number, timestampMs: number): number {
    const s = this.series[seriesIndex];
    if (s === undefined) throw new Error(`cannot read series: index ${seriesIndex} is outside 0..${this.series.length - 1}`);
    const out = new Float64Array(METRICS.length);
    this.sampleHost(Math.floor(seriesIndex / METRICS.length), timestampMs, out);
    return out[seriesIndex % METRICS.length];
  }

  /**
   * Points of every series at fromMs, fromMs + stepMs, … (before toMs), time-major so that each chunk is in
   * time order. Each chunk holds whole time steps and about `maxPointsPerChunk` points; its keys are shared
   * strings and its columns fresh typed arrays, so nothing is allocated per point.
   */
  *generate(fromMs: number, toMs: number, stepMs: number, maxPointsPerChunk = DEFAULT_POINTS_PER_CHUNK): Generator<KeyedPoints> {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new Error(`cannot generate points: range ${fromMs}..${toMs} is not finite`);
    if (!(stepMs > 0) || !Number.isFinite(stepMs)) throw new Error(`cannot generate points: stepMs must be positive, got ${stepMs}`);
    const seriesCount = this.series.length;
    const stepsPerChunk = Math.max(1, Math.floor(maxPointsPerChunk / seriesCount));
    const totalSteps = Math.max(0, Math.ceil((toMs - fromMs) / stepMs));
    const sample = new Float64Array(METRICS.length);
    for (let firstStep = 0; firstStep < totalSteps; firstStep += stepsPerChunk) {
      const steps = Math.min(stepsPerChunk, totalSteps - firstStep);
      const length = steps * seriesCount;
      const keys = new Array<string>(length);
      const timestampsMs = new Float64Array(length);
      const values = new Float64Array(length);
      let i = 0;
      for (let step = firstStep; step < firstStep + steps; step++) {
        const timestampMs = fromMs + step * stepMs;
        const load = seasonalLoad(timestampMs);
        for (let h = 0; h < this.hosts.length; h++) {
          this.sampleInto(h, timestampMs, load, sample);
          for (let m = 0; m < METRICS.length; m++) {
            keys[i] = this.series[h * METRICS.length + m].key;
            timestampsMs[i] = timestampMs;
            values[i] = sample[m];
            i++;
          }
        }
      }
      yield { length, keys, timestampsMs, values };
    }
  }

  private sampleInto(hostIndex: number, timestampMs: number, load: number, out: Float64Array): void {
    const p = this.params[hostIndex];
    const seed = this.seed;
    const stream = hostIndex * STREAMS_PER_HOST;
    const second = Math.floor(timestampMs / 1000);

    const relativeLoad = load * (1 + 0.06 * smoothNoiseAt(seed, stream + STREAM_WANDER, timestampMs, WANDER_PERIOD_MS));
    const rate = Math.max(0, p.peakRatePerSecond * relativeLoad * (1 + 0.03 * gaussianAt(seed, stream + STREAM_RATE, second)));
    const cpuFraction = clamp(p.cpuIdle + p.cpuPerLoad * relativeLoad + 0.015 * gaussianAt(seed, stream + STREAM_CPU, second), 0, 1);
    const p50 = p.p50Ms * (1 + 0.8 * cpuFraction * cpuFraction) * Math.exp(0.05 * gaussianAt(seed, stream + STREAM_P50, second));
    // A rare slow request pushes p99 up by 20–60 %: the tail is heavier than log-normal, but not an incident.
    const tail = uniformAt(seed, stream + STREAM_TAIL, second);
    const tailFactor = tail < 0.01 ? 1.2 + 40 * tail : 1;
    const p99 = p50 * (2.6 + 3 * cpuFraction * cpuFraction) * Math.exp(0.12 * gaussianAt(seed, stream + STREAM_P99, second)) * tailFactor;
    const errors = rate * p.errorFraction * Math.max(0, 1 + 0.35 * gaussianAt(seed, stream + STREAM_ERRORS, second));

    out[0] = rate;
    out[1] = p50;
    out[2] = p99;
    out[3] = errors;
    out[4] = 100 * cpuFraction;
    for (const e of this.effectsByHost[hostIndex]) out[e.metricIndex] = applyIncidentEffect(e.incident, e.effect, timestampMs, out[e.metricIndex]);
    out[4] = clamp(out[4], 0, 100);
    for (let m = 0; m < METRICS.length; m++) out[m] = Math.round(out[m] * 1000) / 1000;
  }

  private hostParams(h: FleetHost): HostParams {
    const profile = KNOWN_PROFILES.get(h.service) ?? derivedProfile(h.service);
    const stream = h.index * STREAMS_PER_HOST + STREAM_PARAMS;
    const draw = (n: number): number => uniformAt(this.seed, stream, n);
    return {
      // Load balancers are never perfectly even: ±10 % per host.
      peakRatePerSecond: profile.peakRatePerSecond * (0.9 + 0.2 * draw(0)),
      p50Ms: profile.p50Ms * (0.95 + 0.1 * draw(1)),
      errorFraction: profile.errorFraction,
      cpuIdle: 0.06 + 0.04 * draw(2),
      cpuPerLoad: 0.5 + 0.1 * draw(3),
    };
  }
}

/** A plausible profile for a service name the simulator has no preset for, stable per name. */
function derivedProfile(service: string): ServiceProfile {
  const next = seededRandom(hashSeriesKey(service));
  return { peakRatePerSecond: 50 + 450 * next(), p50Ms: 20 + 130 * next(), errorFraction: 0.001 + 0.004 * next() };
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
