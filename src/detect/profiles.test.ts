import { describe, expect, it } from 'vitest';
import { DetectorProfiles } from './profiles.js';
import { GROUP_BY_HOST, GROUP_BY_PREFIX, RECORD_ALONE } from './recording-detector.testsuite.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';

const registry = new DetectorRegistry([...BUILTIN_DETECTORS, GROUP_BY_PREFIX, GROUP_BY_HOST, RECORD_ALONE]);
const use = (id: string): { id: string; params: Record<string, never> } => ({ id, params: {} });

describe('DetectorProfiles grouping', () => {
  const profiles = new DetectorProfiles(
    [use('mad-zscore')],
    [
      // Host grouping is listed first, so it wins where it finds a host; prefix grouping takes the rest.
      { match: 'grouped.**', detectors: [use('record-alone'), use('group-by-host'), use('group-by-prefix')] },
      { match: 'alone.**', detectors: [use('record-alone'), use('mad-zscore')] },
      { match: 'nodot*', detectors: [use('group-by-prefix')] },
    ],
    registry,
  );

  it('routes by the group of the first grouping detector that puts the series in one', () => {
    expect(profiles.anyKeyed).toBe(true);
    expect(profiles.routingKeyOf('grouped.cpu;host=h1')).toBe('host=h1');
    expect(profiles.routingKeyOf('grouped.mem;host=h1')).toBe('host=h1');
    expect(profiles.routingKeyOf('grouped.cpu')).toBe('grouped');
  });

  it('routes by the series key where no detector groups it', () => {
    // No rule matches: the default set has no grouping detector.
    expect(profiles.routingKeyOf('other.cpu;host=h1')).toBe('other.cpu;host=h1');
    // A rule whose detectors do not group, though one of them records like the grouping ones.
    expect(profiles.routingKeyOf('alone.cpu;host=h1')).toBe('alone.cpu;host=h1');
    // A grouping detector that puts this series in no group (no '.' in the key).
    expect(profiles.profileOf('nodot')).toBe(3);
    expect(profiles.routingKeyOf('nodot')).toBe('nodot');
  });

  it('says which profiles have grouping detectors', () => {
    expect([0, 1, 2, 3].map((p) => profiles.keyed(p))).toEqual([false, true, false, true]);
    expect(profiles.keyed(4)).toBe(false);
  });

  it('has nothing keyed without grouping detectors, and routes by the series key', () => {
    const plain = new DetectorProfiles([use('mad-zscore')], [{ match: 'a.**', detectors: [use('record-alone')] }], registry);
    expect(plain.anyKeyed).toBe(false);
    expect([plain.keyed(0), plain.keyed(1)]).toEqual([false, false]);
    expect(plain.routingKeyOf('a.b;host=h1')).toBe('a.b;host=h1');
  });
});
