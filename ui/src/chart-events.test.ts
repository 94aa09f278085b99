import { describe, expect, it } from 'vitest';
import type { EventItem } from './api.js';
import { eventColor, eventLabel, eventsForSeries, eventsNear, seriesService } from './chart-events.js';

function event(id: string, timestampMs: number, service: string | null, extra: Partial<EventItem> = {}): EventItem {
  return { id, type: 'deploy', service, version: null, timestampMs, tags: {}, description: null, ...extra };
}

describe('chart events', () => {
  it('reads the service tag of a series key', () => {
    expect(seriesService('http.latency;host=a;service=api')).toBe('api');
    expect(seriesService('http.latency;host=a')).toBeNull();
    expect(seriesService('service=api.cpu')).toBeNull();
  });

  it('marks the events of the series\u2019 service and of none, or every event on a series without one', () => {
    const events = [event('a', 1, 'api'), event('b', 2, 'db'), event('c', 3, null)];
    expect(eventsForSeries(events, 'lat;service=api').map((e) => e.id)).toEqual(['a', 'c']);
    expect(eventsForSeries(events, 'lat;host=h').map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('labels an event by type, service and version', () => {
    expect(eventLabel(event('a', 1, 'api', { version: '1.4.2' }))).toBe('deploy api 1.4.2');
    expect(eventLabel(event('a', 1, null, { type: 'maintenance' }))).toBe('maintenance');
    expect(eventColor('deploy')).not.toBe(eventColor('whatever'));
  });

  it('finds the events at the nearest marker within the radius', () => {
    const events = [event('a', 100, null), event('b', 100, null), event('c', 130, null)];
    const toPx = (ms: number): number => ms;
    expect(eventsNear(events, 105, 12, toPx).map((e) => e.id)).toEqual(['a', 'b']);
    expect(eventsNear(events, 125, 12, toPx).map((e) => e.id)).toEqual(['c']);
    expect(eventsNear(events, 160, 12, toPx)).toEqual([]);
  });
});
