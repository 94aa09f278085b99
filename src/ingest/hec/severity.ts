import type { LogSeverity } from '../../model/index.js';

/** Level names that logging libraries write, by the syslog severity they mean. */
const SEVERITY_NAMES: ReadonlyMap<string, LogSeverity> = new Map(Object.entries({
  emerg: 'emergency', emergency: 'emergency', panic: 'emergency',
  alert: 'alert',
  crit: 'critical', critical: 'critical', fatal: 'critical',
  err: 'error', error: 'error', severe: 'error',
  warn: 'warning', warning: 'warning',
  notice: 'notice',
  info: 'info', information: 'info', informational: 'info',
  debug: 'debug', trace: 'debug', verbose: 'debug', fine: 'debug', finer: 'debug', finest: 'debug',
} satisfies Record<string, LogSeverity>));

/** Fields that carry a level in JSON events, most specific first. */
const LEVEL_FIELDS = ['severity', 'level', 'log.level', 'loglevel', 'levelname'];

/** The severity a level name (`WARN`, `error`, `Information`, ...) stands for; undefined if none. */
export function severityFromName(name: string): LogSeverity | undefined {
  return SEVERITY_NAMES.get(name.trim().toLowerCase());
}

/** The severity named by the first level field of `fields` that holds a known level name. */
export function severityFromFields(fields: Readonly<Record<string, string>>): LogSeverity | undefined {
  for (const field of LEVEL_FIELDS) {
    if (!Object.hasOwn(fields, field)) continue;
    const value = fields[field]!;
    const severity = severityFromName(value);
    if (severity !== undefined) return severity;
  }
  return undefined;
}
