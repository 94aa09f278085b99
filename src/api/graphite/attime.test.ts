import { describe, expect, it } from 'vitest';
import { parseAtTimeSec, parseTimeOffsetSec } from './attime.js';
import { TimeZone } from './zone.js';

/** Friday 2024-03-15 13:47:20 UTC. */
const NOW = Date.UTC(2024, 2, 15, 13, 47, 20) / 1000;
const utc = (...fields: [number, number, number, number?, number?]): number => Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3] ?? 0, fields[4] ?? 0) / 1000;

describe('parseTimeOffsetSec', () => {
  it('reads signed counts of Graphite units, several parts in a row', () => {
    expect(parseTimeOffsetSec('-1h')).toBe(-3600);
    expect(parseTimeOffsetSec('+30min')).toBe(1800);
    expect(parseTimeOffsetSec('1d')).toBe(86_400);
    expect(parseTimeOffsetSec('-1h30min')).toBe(-5400);
    expect(parseTimeOffsetSec('-10s')).toBe(-10);
    expect(parseTimeOffsetSec('2weeks')).toBe(1_209_600);
    expect(parseTimeOffsetSec('-1mon')).toBe(-30 * 86_400);
    expect(parseTimeOffsetSec('1y')).toBe(365 * 86_400);
    expect(parseTimeOffsetSec('')).toBe(0);
  });

  it('refuses a bare m (minutes are min, months mon) and text without a count', () => {
    expect(() => parseTimeOffsetSec('-5m')).toThrow('cannot parse time offset: unit "m" is not one of s, min, h, d, w, mon, y');
    expect(() => parseTimeOffsetSec('-h')).toThrow('expected a number at "h"');
    expect(() => parseTimeOffsetSec('*1h')).toThrow('expected a sign or a number first');
  });
});

describe('parseAtTimeSec', () => {
  it('reads the forms Grafana sends: now, relative offsets and Unix seconds', () => {
    expect(parseAtTimeSec('now', NOW)).toBe(NOW);
    expect(parseAtTimeSec('-6h', NOW)).toBe(NOW - 6 * 3600);
    expect(parseAtTimeSec('now-5min', NOW)).toBe(NOW - 300);
    expect(parseAtTimeSec('-2d', NOW)).toBe(NOW - 2 * 86_400);
    expect(parseAtTimeSec('-1w', NOW)).toBe(NOW - 7 * 86_400);
    expect(parseAtTimeSec('-1mon', NOW)).toBe(NOW - 30 * 86_400);
    expect(parseAtTimeSec('-1y', NOW)).toBe(NOW - 365 * 86_400);
    expect(parseAtTimeSec('now+1h', NOW)).toBe(NOW + 3600);
    expect(parseAtTimeSec('1700000000', NOW)).toBe(1_700_000_000);
    expect(parseAtTimeSec(' NOW-1H ', NOW)).toBe(NOW - 3600);
  });

  it('reads absolute dates and times of day at minute precision', () => {
    expect(parseAtTimeSec('20240101', NOW)).toBe(utc(2024, 1, 1));
    expect(parseAtTimeSec('12:30_20240101', NOW)).toBe(utc(2024, 1, 1, 12, 30));
    expect(parseAtTimeSec('04:05pm 20240101', NOW)).toBe(utc(2024, 1, 1, 16, 5));
    expect(parseAtTimeSec('03/10/24', NOW)).toBe(utc(2024, 3, 10));
    expect(parseAtTimeSec('03/10/2023', NOW)).toBe(utc(2023, 3, 10));
    expect(parseAtTimeSec('jan15', NOW)).toBe(utc(2024, 1, 15));
    expect(parseAtTimeSec('Feb 3', NOW)).toBe(utc(2024, 2, 3));
    expect(parseAtTimeSec('12:00_20240101+1d', NOW)).toBe(utc(2024, 1, 2, 12));
  });

  it('reads times of day and day references relative to now', () => {
    expect(parseAtTimeSec('midnight', NOW)).toBe(utc(2024, 3, 15));
    expect(parseAtTimeSec('noon', NOW)).toBe(utc(2024, 3, 15, 12));
    expect(parseAtTimeSec('teatime', NOW)).toBe(utc(2024, 3, 15, 16));
    expect(parseAtTimeSec('9am', NOW)).toBe(utc(2024, 3, 15, 9));
    expect(parseAtTimeSec('4pm', NOW)).toBe(utc(2024, 3, 15, 16));
    expect(parseAtTimeSec('noon yesterday', NOW)).toBe(utc(2024, 3, 14, 12));
    expect(parseAtTimeSec('midnight tomorrow', NOW)).toBe(utc(2024, 3, 16));
    expect(parseAtTimeSec('today', NOW)).toBe(utc(2024, 3, 15));
    expect(parseAtTimeSec('midnight-1d', NOW)).toBe(utc(2024, 3, 14));
    expect(parseAtTimeSec('monday', NOW)).toBe(utc(2024, 3, 11));
    expect(parseAtTimeSec('friday', NOW)).toBe(utc(2024, 3, 15));
    expect(parseAtTimeSec('saturday', NOW)).toBe(utc(2024, 3, 9));
  });

  it('reads wall-clock forms in the given time zone', () => {
    const newYork = TimeZone.named('America/New_York')!;
    expect(parseAtTimeSec('12:30_20240101', NOW, newYork)).toBe(utc(2024, 1, 1, 17, 30));
    expect(parseAtTimeSec('12:30_20240701', NOW, newYork)).toBe(utc(2024, 7, 1, 16, 30));
    expect(parseAtTimeSec('midnight', NOW, newYork)).toBe(utc(2024, 3, 15, 4));
    expect(parseAtTimeSec('-1h', NOW, newYork)).toBe(NOW - 3600);
    expect(TimeZone.named('Not/AZone')).toBeNull();
  });

  it('takes 8 digits as a date only when they read as one, else as Unix seconds', () => {
    expect(parseAtTimeSec('20241301', NOW)).toBe(20_241_301);
    expect(parseAtTimeSec('19000101', NOW)).toBe(19_000_101);
  });

  it('refuses what Graphite refuses, naming the text', () => {
    expect(() => parseAtTimeSec('-5m', NOW)).toThrow('unit "m"');
    expect(() => parseAtTimeSec('garbage', NOW)).toThrow('cannot parse time "garbage": unknown day reference "garbage"');
    expect(() => parseAtTimeSec('25:00_20240101', NOW)).toThrow('no such time of day');
    expect(() => parseAtTimeSec('20240230', NOW)).toThrow('no such date 2024-2-30');
    expect(() => parseAtTimeSec('jan', NOW)).toThrow('day of month required after month name');
  });
});
