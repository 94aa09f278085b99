import { describe, expect, it } from 'vitest';
import { searchToGlob } from './glob.js';

describe('searchToGlob', () => {
  it('matches plain text anywhere in the key, across dots', () => {
    expect(searchToGlob('cpu')).toBe('**cpu**');
    expect(searchToGlob('  host=web1 ')).toBe('**host=web1**');
  });

  it('passes globs through as typed', () => {
    expect(searchToGlob('api.*.latency')).toBe('api.*.latency');
    expect(searchToGlob('demo.{cpu,mem}')).toBe('demo.{cpu,mem}');
    expect(searchToGlob('web[0-9]')).toBe('web[0-9]');
  });

  it('matches everything when empty', () => {
    expect(searchToGlob('')).toBe('**');
  });
});
