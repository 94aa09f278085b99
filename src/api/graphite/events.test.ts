import { describe, expect, it } from 'vitest';
import type { OpsEvent } from '../../model/index.js';
import { eventTagWords, graphiteEventJson, matchesGraphiteTags, parseGraphiteEvent } from './events.js';

const NOW_MS = Date.UTC(2024, 0, 2);

describe('parseGraphiteEvent', () => {
  it('reads type, service and version from the tag words, other words as tags, what and data', () => {
    expect(parseGraphiteEvent({ what: 'Deployed', tags: 'Deploy service=api version:2 env=prod hotfix', when: 1_700_000_000, data: 'by ci' }, NOW_MS)).toEqual({
      type: 'deploy',
      service: 'api',
      version: '2',
      timestampMs: 1_700_000_000_000,
      tags: { env: 'prod', hotfix: '', data: 'by ci' },
      description: 'Deployed',
    });
  });

  it('takes type=x, when as text, commas between words, and defaults to type event at now', () => {
    expect(parseGraphiteEvent({ tags: 'type=Maintenance,dc=eu', when: '1700000000.5' }, NOW_MS)).toMatchObject({ type: 'maintenance', tags: { dc: 'eu' }, timestampMs: 1_700_000_000_500 });
    expect(parseGraphiteEvent({ what: 'x' }, NOW_MS)).toEqual({ type: 'event', service: null, version: null, timestampMs: NOW_MS, tags: {}, description: 'x' });
  });

  it('names the field it cannot read', () => {
    expect(parseGraphiteEvent([], NOW_MS)).toMatchObject({ field: 'body' });
    expect(parseGraphiteEvent({ what: 3 }, NOW_MS)).toMatchObject({ field: 'what' });
    expect(parseGraphiteEvent({ when: 'noon' }, NOW_MS)).toMatchObject({ field: 'when', message: 'field "when" must be Unix seconds, got "noon"' });
    expect(parseGraphiteEvent({ tags: { a: 1 } }, NOW_MS)).toMatchObject({ field: 'tags' });
  });
});

describe('events as Graphite lists them', () => {
  const event: OpsEvent = { id: 'e1', type: 'rollback', service: 'api', version: '1.3', timestampMs: 1_700_000_000_000, tags: { env: 'prod', flag: '', data: 'text' }, description: null };

  it('lists words, summary and data', () => {
    expect(eventTagWords(event)).toEqual(['rollback', 'service=api', 'version=1.3', 'env=prod', 'flag']);
    expect(graphiteEventJson(event)).toEqual({ when: 1_700_000_000, what: 'rollback api 1.3', tags: eventTagWords(event), data: 'text', id: 'e1' });
  });

  it('matches all asked-for words, or any with union, service:x as service=x', () => {
    expect(matchesGraphiteTags(event, [], 'intersection')).toBe(true);
    expect(matchesGraphiteTags(event, ['rollback', 'service:api'], 'intersection')).toBe(true);
    expect(matchesGraphiteTags(event, ['rollback', 'deploy'], 'intersection')).toBe(false);
    expect(matchesGraphiteTags(event, ['rollback', 'deploy'], 'union')).toBe(true);
    expect(matchesGraphiteTags(event, ['data=text'], 'union')).toBe(false);
  });
});
