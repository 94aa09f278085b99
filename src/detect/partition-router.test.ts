import { describe, expect, it } from 'vitest';
import { hashSeriesKey } from '../model/index.js';
import { PartitionRouter } from './partition-router.js';
import { DetectorProfiles } from './profiles.js';
import { GROUP_BY_PREFIX } from './recording-detector.testsuite.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';

/** Ids 0-11: `grp.mN` (one group, "grp"); ids 12-35: `solo.sN` (no grouping detector). */
const KEYS = [...Array.from({ length: 12 }, (_, i) => `grp.m${i}`), ...Array.from({ length: 24 }, (_, i) => `solo.s${i}`)];
const GROUPED = 12;

const profiles = new DetectorProfiles(
  [{ id: 'mad-zscore', params: {} }],
  [{ match: 'grp.*', detectors: [{ id: 'group-by-prefix', params: {} }] }],
  new DetectorRegistry([...BUILTIN_DETECTORS, GROUP_BY_PREFIX]),
);

function router(partitions: number): PartitionRouter {
  return new PartitionRouter(
    partitions,
    (id) => KEYS[id]!,
    (key) => profiles.profileOf(key),
    (key) => profiles.routingKeyOf(key),
  );
}

describe('PartitionRouter with grouping detectors', () => {
  it.each([2, 3, 5, 8, 16])('puts a whole group in its group key’s partition and spreads the rest by their own keys (%i partitions)', (partitions) => {
    const routed = router(partitions);
    const parts = KEYS.map((_, id) => routed.partitionOf(id));
    expect(new Set(parts.slice(0, GROUPED))).toEqual(new Set([hashSeriesKey('grp') % partitions]));
    expect(parts.slice(GROUPED)).toEqual(KEYS.slice(GROUPED).map((key) => hashSeriesKey(key) % partitions));
    expect(new Set(parts.slice(GROUPED)).size).toBeGreaterThan(1);
    expect(KEYS.map((_, id) => routed.profileOf(id))).toEqual(KEYS.map((_, id) => (id < GROUPED ? 1 : 0)));
  });

  it('splits a batch so that every point of the group goes to the group’s partition', () => {
    const partitions = 4;
    const routed = router(partitions);
    const seriesIds = Uint32Array.from(KEYS.map((_, id) => id));
    const chunks = routed.split({ length: KEYS.length, seriesIds, timestampsMs: new Float64Array(KEYS.length), values: new Float64Array(KEYS.length) }, 1000);
    const groupPartition = hashSeriesKey('grp') % partitions;
    const grouped = chunks[groupPartition]!.flatMap((chunk) => [...chunk.seriesIds].filter((id) => id < GROUPED));
    expect(grouped).toEqual(Array.from({ length: GROUPED }, (_, id) => id));
    expect(chunks.flat().reduce((sum, chunk) => sum + chunk.seriesIds.length, 0)).toBe(KEYS.length);
  });

  it('routes by the series key without a routing function', () => {
    const plain = new PartitionRouter(5, (id) => KEYS[id]!);
    expect(KEYS.map((_, id) => plain.partitionOf(id))).toEqual(KEYS.map((key) => hashSeriesKey(key) % 5));
  });
});
