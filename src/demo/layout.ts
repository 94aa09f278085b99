/** The shape of the simulated fleet: which metrics each host reports and how hosts are named. */

export const METRICS = ['requests.rate', 'latency.p50', 'latency.p99', 'errors.rate', 'cpu.utilization'] as const;
export type MetricName = (typeof METRICS)[number];

/** Position of each metric in a host's sample (the order of METRICS). */
export const METRIC_INDEX: Readonly<Record<MetricName, number>> = {
  'requests.rate': 0,
  'latency.p50': 1,
  'latency.p99': 2,
  'errors.rate': 3,
  'cpu.utilization': 4,
};

export const DEFAULT_SERVICES: readonly string[] = ['api', 'checkout', 'search'];
export const DEFAULT_HOSTS_PER_SERVICE = 3;

export interface FleetHost {
  /** Dense index over the whole fleet, service-major. */
  readonly index: number;
  readonly service: string;
  /** Unique across the fleet: `web-1` … `web-N`, numbered service after service. */
  readonly host: string;
}

/** Hosts of the fleet: each service owns `hostsPerService` hosts of its own. */
export function fleetHosts(services: readonly string[], hostsPerService: number): FleetHost[] {
  if (services.length === 0) throw new Error('cannot lay out fleet: services must not be empty');
  if (!Number.isInteger(hostsPerService) || hostsPerService <= 0) {
    throw new Error(`cannot lay out fleet: hostsPerService must be a positive integer, got ${hostsPerService}`);
  }
  const seen = new Set<string>();
  const hosts: FleetHost[] = [];
  for (const service of services) {
    if (!/^[A-Za-z0-9_.\-]+$/.test(service)) {
      throw new Error(`cannot lay out fleet: service ${JSON.stringify(service)} must match [A-Za-z0-9_.-]+`);
    }
    if (seen.has(service)) throw new Error(`cannot lay out fleet: service ${JSON.stringify(service)} is listed twice`);
    seen.add(service);
    for (let i = 0; i < hostsPerService; i++) hosts.push({ index: hosts.length, service, host: `web-${hosts.length + 1}` });
  }
  return hosts;
}

/** Hosts of one service, in fleet order. */
export function hostsOfService(hosts: readonly FleetHost[], service: string): FleetHost[] {
  return hosts.filter((h) => h.service === service);
}
