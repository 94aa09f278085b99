import type { EventItem } from './api.js';

/** Marker colours by event type; other types are grey. None is the line's blue. */
const TYPE_COLORS: Readonly<Record<string, string>> = {
  deploy: '#7c3aed',
  rollback: '#ea580c',
  config: '#0d9488',
};
const OTHER_COLOR = '#6b7280';

export function eventColor(type: string): string {
  return TYPE_COLORS[type] ?? OTHER_COLOR;
}

/** The `service` tag of a canonical series key (`name;k=v;...`), or null when it has none. */
export function seriesService(seriesKey: string): string | null {
  for (const part of seriesKey.split(';').slice(1)) {
    if (part.startsWith('service=')) return part.slice('service='.length);
  }
  return null;
}

/**
 * The events worth marking on a series' chart: on a series tagged `service=x`, the events of x and
 * those of no service; on any other series, every event.
 */
export function eventsForSeries(events: readonly EventItem[], seriesKey: string): EventItem[] {
  const service = seriesService(seriesKey);
  if (service === null) return [...events];
  return events.filter((e) => e.service === null || e.service === service);
}

/** One line for a marker: `deploy api 1.4.2`. */
export function eventLabel(event: EventItem): string {
  return [event.type, event.service, event.version].filter((part) => part !== null && part !== '').join(' ');
}

/**
 * The events whose markers lie within `radiusPx` of the pointer, those at the nearest position first
 * (events at the same time share a marker). `toPx` maps a time to the same pixels as `leftPx`.
 */
export function eventsNear(events: readonly EventItem[], leftPx: number, radiusPx: number, toPx: (timestampMs: number) => number): EventItem[] {
  let bestPx = Infinity;
  let bestDistPx = radiusPx;
  for (const e of events) {
    const px = toPx(e.timestampMs);
    const distPx = Math.abs(px - leftPx);
    if (distPx <= bestDistPx) {
      bestDistPx = distPx;
      bestPx = px;
    }
  }
  if (bestPx === Infinity) return [];
  // Markers closer than a pixel are drawn as one.
  return events.filter((e) => Math.abs(toPx(e.timestampMs) - bestPx) < 1);
}
