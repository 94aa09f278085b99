import type { Command } from 'commander';
import { configFileFromEnv, loadConfig, overridesFromEnv, type ConfigOverrides, type VigilConfig } from '../config/index.js';

/** Flags shared by commands that run a server; each overrides one config field. */
export interface ServerFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly host?: string;
  readonly httpPort?: number;
  readonly graphitePort?: number;
  readonly graphiteTcpPort?: number;
  readonly graphiteUdpPort?: number;
  readonly graphitePicklePort?: number;
  readonly otlpPort?: number;
  readonly statsdPort?: number;
  readonly hecPort?: number;
  readonly syslogPort?: number;
  readonly partitions?: number;
  readonly logLevel?: string;
}

export function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`cannot parse port ${JSON.stringify(text)}: expected an integer 0-65535`);
  return n;
}

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`cannot parse ${JSON.stringify(text)}: expected a positive integer`);
  return n;
}

export function parseNonNegativeInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`cannot parse ${JSON.stringify(text)}: expected an integer >= 0`);
  return n;
}

export function parsePositiveNumber(text: string): number {
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`cannot parse ${JSON.stringify(text)}: expected a number > 0`);
  return n;
}

export function addServerFlags(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML config file (env VIGIL_CONFIG)')
    .option('-d, --data-dir <dir>', 'data directory (default ./vigil-data)')
    .option('--host <address>', 'address every listener binds (HTTP, Graphite, OTLP, StatsD, HEC, syslog)')
    .option('--http-port <port>', 'HTTP API and UI port (default 8080)', parsePort)
    .option('--graphite-port <port>', 'Graphite plaintext TCP and UDP port (default 2003)', parsePort)
    .option('--graphite-tcp-port <port>', 'Graphite plaintext TCP port', parsePort)
    .option('--graphite-udp-port <port>', 'Graphite plaintext UDP port', parsePort)
    .option('--graphite-pickle-port <port>', 'Graphite pickle TCP port (default 2004)', parsePort)
    .option('--otlp-port <port>', 'OTLP/HTTP metrics port (default 4318)', parsePort)
    .option('--statsd-port <port>', 'StatsD UDP port (default 8125)', parsePort)
    .option('--hec-port <port>', 'Splunk HTTP Event Collector port (default 8088)', parsePort)
    .option('--syslog-port <port>', 'syslog TCP and UDP port (default 5514)', parsePort)
    .option('--partitions <n>', 'detection worker threads', parsePositiveInt)
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');
}

/** Defaults, then the config file, then the environment, then flags. */
export function configFromFlags(flags: ServerFlags): VigilConfig {
  const fromFlags: ConfigOverrides = {
    dataDir: flags.dataDir,
    logLevel: flags.logLevel,
    http: { host: flags.host, port: flags.httpPort },
    graphite: { host: flags.host, tcpPort: flags.graphiteTcpPort ?? flags.graphitePort, udpPort: flags.graphiteUdpPort ?? flags.graphitePort, picklePort: flags.graphitePicklePort },
    otlp: { host: flags.host, port: flags.otlpPort },
    statsd: { host: flags.host, port: flags.statsdPort },
    hec: { host: flags.host, port: flags.hecPort },
    syslog: { host: flags.host, tcpPort: flags.syslogPort, udpPort: flags.syslogPort },
    detection: { partitions: flags.partitions },
  };
  const file = flags.config ?? configFileFromEnv();
  return loadConfig({ ...(file === undefined ? {} : { file }), overrides: [overridesFromEnv(), fromFlags] });
}
