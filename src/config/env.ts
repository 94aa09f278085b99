import type { ConfigOverrides } from './load.js';

/** Environment variables Vigil reads; this file is the only place that reads process.env. */
export const ENV_VARIABLES = {
  VIGIL_CONFIG: 'path of the YAML config file (same as --config)',
  VIGIL_DATA_DIR: 'data directory (dataDir)',
  VIGIL_LOG_LEVEL: 'log level (logLevel)',
  VIGIL_HTTP_PORT: 'HTTP port (http.port)',
  VIGIL_GRAPHITE_PORT: 'Graphite TCP and UDP port (graphite.tcpPort, graphite.udpPort)',
  VIGIL_AUTH_TOKEN: 'token required by write endpoints (http.authToken)',
  VIGIL_HEC_PORT: 'Splunk HTTP Event Collector port (hec.port)',
  VIGIL_SYSLOG_PORT: 'syslog TCP and UDP port (syslog.tcpPort, syslog.udpPort)',
} as const;

export function configFileFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VIGIL_CONFIG || undefined;
}

/** Overrides from the environment; numbers are parsed here so the schema reports a bad one by field. */
export function overridesFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigOverrides {
  const num = (v: string | undefined): number | string | undefined => (v === undefined || v === '' ? undefined : /^\d+$/.test(v) ? Number(v) : v);
  const graphitePort = num(env.VIGIL_GRAPHITE_PORT);
  const syslogPort = num(env.VIGIL_SYSLOG_PORT);
  return {
    dataDir: env.VIGIL_DATA_DIR || undefined,
    logLevel: env.VIGIL_LOG_LEVEL || undefined,
    http: { port: num(env.VIGIL_HTTP_PORT), authToken: env.VIGIL_AUTH_TOKEN || undefined },
    graphite: { tcpPort: graphitePort, udpPort: graphitePort },
    hec: { port: num(env.VIGIL_HEC_PORT) },
    syslog: { tcpPort: syslogPort, udpPort: syslogPort },
  };
}

/** Whether the process runs under CI, for tools that change behaviour there (progress bars). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}
