import type { SeriesPoints } from '../store/index.js';
import { valueSigma } from './noise-scale.js';

/** Share of buckets that need a partner one season earlier before the season is used. */
const MIN_PAIRED_SHARE = 0.8;

/**
 * Values minus their value one season earlier, split at `splitMs`, when that explains the series:
 * when the before window's spread around its median is larger than the spread of its seasonal
 * differences. A deploy at the morning ramp then is not blamed for the ramp. Null when the season
 * does not help (white noise: differencing doubles the variance) or the history is too short.
 */
export function seasonalResiduals(now: SeriesPoints, lastSeason: SeriesPoints, seasonMs: number, splitMs: number): { before: Float64Array; after: Float64Array } | null {
  const earlier = new Map<number, number>();
  for (let i = 0; i < lastSeason.timestampsMs.length; i++) earlier.set(lastSeason.timestampsMs[i]! + seasonMs, lastSeason.values[i]!);
  const before: number[] = [];
  const after: number[] = [];
  const rawBefore: number[] = [];
  for (let i = 0; i < now.timestampsMs.length; i++) {
    const t = now.timestampsMs[i]!;
    if (t < splitMs) rawBefore.push(now.values[i]!);
    const previous = earlier.get(t);
    if (previous === undefined) continue;
    (t < splitMs ? before : after).push(now.values[i]! - previous);
  }
  const afterCount = now.timestampsMs.length - rawBefore.length;
  if (rawBefore.length === 0 || afterCount === 0) return null;
  if (before.length < MIN_PAIRED_SHARE * rawBefore.length || after.length < MIN_PAIRED_SHARE * afterCount) return null;
  if (valueSigma(Float64Array.from(before)) >= valueSigma(Float64Array.from(rawBefore))) return null;
  return { before: Float64Array.from(before), after: Float64Array.from(after) };
}
