import type { Session } from './session.js';

/**
 * Normal sessions in the shape of HDFS blocks: allocate (1), then per replica receive (2) and store (3) interleaved
 * or grouped, an optional verify (5) anywhere after the first store, then close (4). Replicas 1..3; deterministic.
 */
export function syntheticNormalSessions(count: number): Session[] {
  const sessions: Session[] = [];
  for (let n = 0; n < count; n++) {
    const replicas = 1 + (n % 3);
    const keys: number[] = [1];
    if (n % 2 === 0) for (let r = 0; r < replicas; r++) keys.push(2, 3);
    else {
      for (let r = 0; r < replicas; r++) keys.push(2);
      for (let r = 0; r < replicas; r++) keys.push(3);
    }
    if (n % 5 === 0) keys.push(5);
    keys.push(4);
    sessions.push(Uint32Array.from(keys));
  }
  return sessions;
}

export function session(...keys: number[]): Session {
  return Uint32Array.from(keys);
}
