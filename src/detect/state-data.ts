import type { DetectorState } from './detector.js';

/** Error for a state that cannot be restored, naming the detector and the field. */
export function stateError(detectorId: string, cause: string): Error {
  return new Error(`cannot restore detector ${detectorId}: ${cause}`);
}

/** Checks the envelope of a detector state and returns its data as a record. */
export function stateData(state: DetectorState, detectorId: string, version: number): Record<string, unknown> {
  if (state.detector !== detectorId) throw stateError(detectorId, `state belongs to detector ${JSON.stringify(state.detector)}`);
  if (state.version !== version) throw stateError(detectorId, `unsupported state version ${String(state.version)}, expected ${version}`);
  const data = state.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw stateError(detectorId, 'data must be an object');
  return data as Record<string, unknown>;
}

/** A finite number field. */
export function readNumber(data: Record<string, unknown>, field: string, detectorId: string): number {
  const value = data[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw stateError(detectorId, `${field} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

/** A finite number, or null standing for "none yet" (JSON has no -Infinity). */
export function readOptionalNumber(data: Record<string, unknown>, field: string, detectorId: string): number | null {
  return data[field] === null ? null : readNumber(data, field, detectorId);
}

/** An array of finite numbers, of exactly `length` items when given. */
export function readNumberArray(data: Record<string, unknown>, field: string, detectorId: string, length?: number): number[] {
  const value = data[field];
  if (!Array.isArray(value)) throw stateError(detectorId, `${field} must be an array of numbers`);
  if (length !== undefined && value.length !== length) throw stateError(detectorId, `${field} must hold ${length} items, got ${value.length}`);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw stateError(detectorId, `${field}[${i}] must be a finite number, got ${JSON.stringify(v)}`);
  }
  return value as number[];
}
