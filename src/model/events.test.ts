import { describe, expect, it } from 'vitest';
import { checkOpsEvent, toOpsEvent } from './events.js';

const T0 = Date.UTC(2024, 0, 1);

describe('checkOpsEvent', () => {
  it('accepts known and other lowercase types, with or without the optional fields', () => {
    expect(checkOpsEvent({ type: 'deploy', timestampMs: T0 })).toBeNull();
    expect(checkOpsEvent({ type: 'feature-flag_2', service: 'api', version: 'v1.2.3+build.4', timestampMs: T0, tags: { team: 'core', canary: '' }, description: '', id: 'github:run/17' })).toBeNull();
  });

  it('names the field and the value of the first problem', () => {
    expect(checkOpsEvent({ type: 'Deploy', timestampMs: T0 })).toEqual({ field: 'type', message: expect.stringContaining('got "Deploy"') });
    expect(checkOpsEvent({ type: 'deploy', timestampMs: -1 })).toEqual({ field: 'timestampMs', message: expect.stringContaining('got -1') });
    expect(checkOpsEvent({ type: 'deploy', timestampMs: T0, version: 'a\nb' })).toEqual({ field: 'version', message: expect.stringContaining('"a\\nb"') });
    expect(checkOpsEvent({ type: 'deploy', timestampMs: T0, tags: { 'a=b': 'c' } })?.field).toBe('tags');
    expect(checkOpsEvent({ type: 'deploy', timestampMs: T0, tags: ['x'] as unknown as Record<string, string> })?.message).toBe('field "tags" must be an object of strings, got an array');
    expect(checkOpsEvent({ type: 'deploy', timestampMs: T0, description: 'x'.repeat(20_000) })?.message).toContain('got 20000 characters');
    expect(checkOpsEvent({ type: 'deploy', timestampMs: T0, id: '' })?.field).toBe('id');
  });
});

describe('toOpsEvent', () => {
  it('fills absent fields with null or empty and floors the time', () => {
    expect(toOpsEvent({ type: 'config', timestampMs: T0 + 0.7 }, 'e1')).toEqual({ id: 'e1', type: 'config', service: null, version: null, timestampMs: T0, tags: {}, description: null });
  });
});
