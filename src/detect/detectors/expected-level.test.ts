import { describe, expect, it } from 'vitest';
import { ExpectedLevel } from './expected-level.js';

describe('ExpectedLevel', () => {
  it('starts at the first value, then moves 5% of the way to each new one', () => {
    const level = new ExpectedLevel();
    expect(level.value).toBeNaN();
    level.learn(10);
    expect(level.value).toBe(10);
    level.learn(30);
    expect(level.value).toBeCloseTo(11, 12);
  });

  it('snapshots "no value yet" as null and restores both states', () => {
    const level = new ExpectedLevel();
    expect(level.snapshot()).toBeNull();
    level.restore(4);
    expect(level.snapshot()).toBe(4);
    level.learn(24);
    expect(level.value).toBeCloseTo(5, 12);
    level.restore(null);
    expect(level.value).toBeNaN();
  });
});
