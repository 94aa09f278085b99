import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from './route.js';

describe('route', () => {
  it('round-trips a series key with tags and the range through the hash', () => {
    const route = { seriesKey: 'api.latency;host=web 1;dc=eu/west', range: '6h' } as const;
    const hash = formatRoute(route);
    expect(hash).toBe('#/series/api.latency%3Bhost%3Dweb%201%3Bdc%3Deu%2Fwest?from=-6h');
    expect(parseRoute(hash)).toEqual(route);
  });

  it('defaults to no series and the last hour', () => {
    expect(parseRoute('')).toEqual({ seriesKey: null, range: '1h' });
    expect(parseRoute('#/')).toEqual({ seriesKey: null, range: '1h' });
    expect(formatRoute({ seriesKey: null, range: '7d' })).toBe('#/?from=-7d');
  });

  it('falls back instead of failing on hand-edited links', () => {
    expect(parseRoute('#/series/a.b?from=-13m')).toEqual({ seriesKey: 'a.b', range: '1h' });
    expect(parseRoute('#/series/%E0%A4%A?from=24h')).toEqual({ seriesKey: null, range: '24h' });
  });
});
