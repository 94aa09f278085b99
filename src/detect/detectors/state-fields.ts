import { readNumber } from '../state-data.js';

/**
 * Finite number fields of state data, read in the order given so that the first bad one is the one
 * named; a detector reads all its fields before it restores any.
 */
export function readNumbers<K extends string>(data: Record<string, unknown>, fields: readonly K[], detectorId: string): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const field of fields) out[field] = readNumber(data, field, detectorId);
  return out;
}
