import { describe, expect, it } from 'vitest';
import type { DetectorDefinition } from './detector.js';
import { madZScore } from './detectors/mad-zscore.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';

describe('DetectorRegistry', () => {
  const registry = new DetectorRegistry(BUILTIN_DETECTORS);

  it('lists the built-ins in one place', () => {
    const ids = registry.ids();
    expect(ids.slice(0, 2)).toEqual(['mad-zscore', 'seasonal-baseline']);
    expect(ids).toContain('windowed-gaussian');
    expect(new Set(ids).size).toBe(ids.length);
    expect(registry.get('mad-zscore')).toBe(madZScore);
    expect(registry.has('seasonal-baseline')).toBe(true);
  });

  it('names the valid ids when asked for an unknown one', () => {
    expect(() => registry.get('x')).toThrow('unknown detector "x"; valid ids: mad-zscore, seasonal-baseline');
    expect(() => registry.createFromUse({ id: 'mad', params: {} })).toThrow(/unknown detector "mad"/);
  });

  it('rejects duplicate ids at construction', () => {
    const twin: DetectorDefinition = { ...madZScore, description: 'another' };
    expect(() => new DetectorRegistry([madZScore, twin])).toThrow('cannot create detector registry: duplicate detector id "mad-zscore"');
  });

  it('creates a working detector from a configured use, validating its params', () => {
    const detector = registry.createFromUse({ id: 'mad-zscore', params: { minPoints: 16, windowSize: 16 } });
    for (let i = 0; i < 16; i++) detector.update(i, i % 2);
    expect(detector.update(16, 100)).toBeGreaterThan(0.99);
    expect(() => registry.createFromUse({ id: 'seasonal-baseline', params: { slots: -1 } })).toThrow(
      'cannot parse params of detector seasonal-baseline: slots must be an integer in [1, 100000], got -1',
    );
  });
});
