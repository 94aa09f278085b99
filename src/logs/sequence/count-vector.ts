import type { Session } from './session.js';

/**
 * Counts each key of a session into `out` (length keySpace + 1, zeroed here). Keys at or beyond keySpace, never
 * seen in training, share the last slot, so a detector sees them instead of dropping them.
 */
export function countKeys(session: Session, keySpace: number, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < session.length; i++) {
    const key = session[i]!;
    out[key < keySpace ? key : keySpace]! += 1;
  }
}

/** Row-major count matrix, one row per session, keySpace + 1 columns. */
export function countMatrix(sessions: readonly Session[], keySpace: number): Float64Array {
  const width = keySpace + 1;
  const matrix = new Float64Array(sessions.length * width);
  for (let r = 0; r < sessions.length; r++) countKeys(sessions[r]!, keySpace, matrix.subarray(r * width, (r + 1) * width));
  return matrix;
}
