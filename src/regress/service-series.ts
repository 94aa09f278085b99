import type { SeriesInfo } from '../model/index.js';

/** Tags that name the service a series belongs to (Vigil, Prometheus, OpenTelemetry, common usage). */
export const SERVICE_TAGS: readonly string[] = ['service', 'job', 'service.name', 'app', 'application'];

/**
 * Whether a series belongs to a service: one of SERVICE_TAGS equals it, or one node of the dotted
 * name does (Graphite senders put the service in the path: `prod.checkout.latency_ms`).
 */
export function belongsToService(series: SeriesInfo, service: string): boolean {
  for (const tag of SERVICE_TAGS) if (series.tags[tag] === service) return true;
  return series.name.split('.').includes(service);
}

/** Words in a series name that mean higher is better; for everything else (latency, errors, CPU) lower is. */
const HIGHER_IS_BETTER = /(throughput|rps|qps|requests?_per|success|availability|uptime|apdex|hit_?ratio|hits|goodput)/i;

/** Whether a rise in this series is good news. */
export function higherIsBetter(series: SeriesInfo): boolean {
  return HIGHER_IS_BETTER.test(series.name);
}
