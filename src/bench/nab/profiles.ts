import { readFileSync } from 'node:fs';

/** NAB's three application profiles. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

export const NAB_PROFILE_NAMES: readonly NabProfileName[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'];

/** A profile's weights: a detected window earns up to `tpWeight`, a missed one costs `fnWeight`, a false positive up to `fpWeight`. */
export interface NabCostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

export type NabProfiles = Readonly<Record<NabProfileName, NabCostMatrix>>;

/** One value per profile. */
export type PerProfile<T> = Readonly<Record<NabProfileName, T>>;

export function perProfile<T>(make: (profile: NabProfileName) => T): PerProfile<T> {
  return { standard: make('standard'), reward_low_FP_rate: make('reward_low_FP_rate'), reward_low_FN_rate: make('reward_low_FN_rate') };
}

function weight(path: string, profile: string, matrix: Record<string, unknown>, field: string): number {
  const value = matrix[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`cannot read ${path}: ${profile}.CostMatrix.${field} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Parses NAB's `config/profiles.json` (`{ "<profile>": { "CostMatrix": { "tpWeight": ..., ... } } }`). */
export function parseNabProfiles(json: unknown, path: string): NabProfiles {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`cannot read ${path}: expected an object of profiles`);
  const profiles = json as Record<string, unknown>;
  return perProfile((name) => {
    const profile = profiles[name] as { CostMatrix?: unknown } | undefined;
    const matrix = profile?.CostMatrix;
    if (typeof matrix !== 'object' || matrix === null) throw new Error(`cannot read ${path}: no ${name}.CostMatrix`);
    const m = matrix as Record<string, unknown>;
    return { tpWeight: weight(path, name, m, 'tpWeight'), fpWeight: weight(path, name, m, 'fpWeight'), fnWeight: weight(path, name, m, 'fnWeight') };
  });
}

export function readNabProfiles(path: string): NabProfiles {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseNabProfiles(json, path);
}
