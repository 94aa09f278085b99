import type { OpsEvent, SeriesInfo, SuspectedEvent } from '../model/index.js';
import { DAY_MS } from '../model/index.js';
import type { EventStore } from '../store/index.js';
import { belongsToService } from './service-series.js';

/** How far back an event may be and still be suspected. */
export const DEFAULT_EVENT_LOOKBACK_MS = DAY_MS;

/** Most events scanned in the lookback before giving up on older ones. */
const MAX_EVENTS_SCANNED = 1000;

/**
 * The nearest event at or before `atMs` (within `lookbackMs`) that concerns the series: one whose
 * service the series belongs to (see belongsToService), or one that names no service (it concerns
 * everything). Null when there is none.
 */
export async function suspectedEvent(events: EventStore, series: SeriesInfo, atMs: number, lookbackMs = DEFAULT_EVENT_LOOKBACK_MS): Promise<SuspectedEvent | null> {
  const candidates = await events.query({ fromMs: atMs - lookbackMs, toMs: atMs + 1, limit: MAX_EVENTS_SCANNED });
  for (let i = candidates.length - 1; i >= 0; i--) {
    const event = candidates[i]!;
    if (event.service === null || belongsToService(series, event.service)) return eventRef(event);
  }
  return null;
}

export function eventRef(event: OpsEvent): SuspectedEvent {
  return { id: event.id, type: event.type, service: event.service, version: event.version, timestampMs: event.timestampMs };
}
