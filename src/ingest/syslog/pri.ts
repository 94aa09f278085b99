import type { LogSeverity } from '../../model/index.js';
import { LOG_SEVERITIES } from '../../model/index.js';

/** Facility keywords by code (RFC 5424 §6.2.1, names as rsyslog spells them). */
export const SYSLOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'solaris-cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** Largest PRI: facility 23 (local7), severity 7 (debug). */
const MAX_PRI = 191;
const MAX_PRI_DIGITS = 3;

export interface Priority {
  readonly severity: LogSeverity;
  readonly facility: string;
  /** Index just past the closing `>`. */
  readonly end: number;
}

/**
 * Reads `<PRI>` at the start of `text` (which begins with `<`). Returns the cause as a string when the
 * PRI is malformed, quoting as much of it as was read.
 */
export function parsePriority(text: string): Priority | string {
  let i = 1;
  let value = 0;
  while (i < text.length && i <= MAX_PRI_DIGITS + 1) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    i++;
  }
  const digits = i - 1;
  if (text[i] !== '>' || digits === 0 || digits > MAX_PRI_DIGITS || value > MAX_PRI) {
    const close = text.indexOf('>');
    const quoted = close > 0 && close <= MAX_PRI_DIGITS + 4 ? text.slice(0, close + 1) : text.slice(0, MAX_PRI_DIGITS + 2);
    return `bad PRI ${JSON.stringify(quoted)}: expected <0> to <${MAX_PRI}>`;
  }
  return { severity: LOG_SEVERITIES[value & 7]!, facility: SYSLOG_FACILITIES[value >> 3]!, end: i + 1 };
}
