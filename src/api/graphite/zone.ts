/** Calendar fields of an instant in a time zone; month 1-12, weekday 0 (Sunday) to 6. */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/**
 * Converts between instants and wall-clock time in one IANA time zone (Graphite's `tz` parameter),
 * using the runtime's time zone database. UTC takes a direct path.
 */
export class TimeZone {
  private readonly format: Intl.DateTimeFormat | null;

  private constructor(readonly name: string) {
    this.format =
      name === 'UTC'
        ? null
        : new Intl.DateTimeFormat('en-US', {
            timeZone: name,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
            weekday: 'short',
          });
  }

  static readonly UTC = new TimeZone('UTC');

  /** The zone named `name`, or null when the runtime does not know it. */
  static named(name: string): TimeZone | null {
    if (name === 'UTC' || name === 'Etc/UTC') return TimeZone.UTC;
    try {
      return new TimeZone(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
    } catch {
      return null;
    }
  }

  local(epochMs: number): LocalTime {
    if (this.format === null) {
      const d = new Date(epochMs);
      return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        weekday: d.getUTCDay(),
      };
    }
    const fields: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(epochMs))) fields[part.type] = part.value;
    return {
      year: Number(fields.year),
      month: Number(fields.month),
      day: Number(fields.day),
      hour: Number(fields.hour),
      minute: Number(fields.minute),
      second: Number(fields.second),
      weekday: WEEKDAYS[fields.weekday ?? 'Sun'] ?? 0,
    };
  }

  /**
   * The instant (ms) of a wall-clock time; out-of-range fields roll over as in Date.UTC. A time that
   * a DST change skips or repeats resolves with the offset in force just before it.
   */
  instant(year: number, month: number, day: number, hour: number, minute: number): number {
    const asUtc = Date.UTC(year, month - 1, day, hour, minute);
    if (this.format === null) return asUtc;
    const first = asUtc - this.offsetMs(asUtc);
    const second = asUtc - this.offsetMs(first);
    return first === second ? first : Math.max(first, second);
  }

  private offsetMs(epochMs: number): number {
    const t = this.local(epochMs);
    const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
    return wall - Math.floor(epochMs / 1000) * 1000;
  }
}
