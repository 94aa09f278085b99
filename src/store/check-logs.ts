import { LOG_SEVERITIES } from '../model/index.js';
import type { StoredLog } from './log-store.js';

const OPTIONAL_TEXT = ['sourcetype', 'facility', 'appName', 'procId', 'msgId'] as const;
const REQUIRED_TEXT = ['host', 'source', 'message', 'templateId'] as const;

/**
 * Checks that records can be stored as given, so that a bad one is refused with its index and field
 * before it can spoil a group commit that other appends share. Returns the first problem, or null.
 */
export function checkStoredLogs(logs: readonly StoredLog[]): string | null {
  for (let i = 0; i < logs.length; i++) {
    const problem = checkStoredLog(logs[i]!);
    if (problem !== null) return `record ${i}: ${problem}`;
  }
  return null;
}

function checkStoredLog(log: StoredLog): string | null {
  if (typeof log !== 'object' || log === null) return 'is not an object';
  const { timestampMs } = log;
  if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs) || Math.abs(timestampMs) > Number.MAX_SAFE_INTEGER) {
    return `timestampMs ${String(timestampMs)} is not a finite millisecond count`;
  }
  if (!LOG_SEVERITIES.includes(log.severity)) return `severity ${JSON.stringify(log.severity)} is not one of ${LOG_SEVERITIES.join(', ')}`;
  for (const field of REQUIRED_TEXT) {
    if (typeof log[field] !== 'string') return `${field} is ${typeOf(log[field])}, not a string`;
  }
  for (const field of OPTIONAL_TEXT) {
    const value = log[field];
    if (value !== undefined && typeof value !== 'string') return `${field} is ${typeOf(value)}, not a string`;
  }
  const { parameters, fields } = log;
  if (!Array.isArray(parameters)) return `parameters is ${typeOf(parameters)}, not an array`;
  for (let p = 0; p < parameters.length; p++) {
    if (typeof parameters[p] !== 'string') return `parameters[${p}] is ${typeOf(parameters[p])}, not a string`;
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return `fields is ${typeOf(fields)}, not an object`;
  for (const name in fields) {
    if (Object.hasOwn(fields, name) && typeof fields[name] !== 'string') return `fields.${name} is ${typeOf(fields[name])}, not a string`;
  }
  return null;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
