import { DAY_MS, HOUR_MS } from '../model/index.js';

/** 1970-01-01 was a Thursday; with Sunday = 0 that is day 4. */
const EPOCH_DAY_OF_WEEK = 4;
const WEEKEND_FACTOR = 0.62;

/**
 * Relative load of the fleet at a time, in about [0.14, 1]: a daily curve in UTC with its trough near 03:00
 * and its peak mid-afternoon (plus a small lunchtime harmonic), times a weekend dip on Saturday and Sunday.
 * Computed from integers only: no Date is allocated per point.
 */
export function seasonalLoad(timestampMs: number): number {
  const dayIndex = Math.floor(timestampMs / DAY_MS);
  const hourOfDay = (timestampMs - dayIndex * DAY_MS) / HOUR_MS;
  const daily = 0.58 - 0.36 * Math.cos((2 * Math.PI * (hourOfDay - 3)) / 24) + 0.05 * Math.sin((4 * Math.PI * hourOfDay) / 24);
  return daily * (isWeekend(dayIndex) ? WEEKEND_FACTOR : 1);
}

function isWeekend(dayIndex: number): boolean {
  const dayOfWeek = (((dayIndex + EPOCH_DAY_OF_WEEK) % 7) + 7) % 7;
  return dayOfWeek === 0 || dayOfWeek === 6;
}
