import type { AliasTargets, Rollout } from './types.js';

/** A rollout as stored in aliases.json: the staging version it was set for, so that it lapses when staging moves. */
export type StoredRollout = Rollout & { readonly version: number };

export const ROLLOUT_OFF: Rollout = { mode: 'off' };

/** The stored rollout while staging still points to the version it was set for; off otherwise (and when none is stored). */
export function effectiveRollout(stored: StoredRollout | undefined, aliases: AliasTargets): Rollout {
  if (stored === undefined || aliases.staging === null || stored.version !== aliases.staging) return ROLLOUT_OFF;
  return plainRollout(stored);
}

/** The rollout without the version it is stored with, in a fixed field order (it is compared and printed as JSON). */
export function plainRollout(rollout: Rollout): Rollout {
  return rollout.mode === 'canary' ? { mode: 'canary', share: rollout.share } : { mode: rollout.mode };
}

export function sameRollout(a: Rollout, b: Rollout): boolean {
  return a.mode === b.mode && (a.mode !== 'canary' || (b.mode === 'canary' && a.share === b.share));
}
