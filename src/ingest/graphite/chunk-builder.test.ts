import { describe, expect, it } from 'vitest';
import { pointsBuilderFor } from './chunk-builder.js';

describe('pointsBuilderFor', () => {
  it('sizes the builder at one point per 32 bytes, never below 16 points', () => {
    expect(pointsBuilderFor(0).values.length).toBe(16);
    expect(pointsBuilderFor(100).values.length).toBe(16);
    expect(pointsBuilderFor(64 * 1024).values.length).toBe(2048);
    expect(pointsBuilderFor(64 * 1024 + 1).values.length).toBe(2049);
  });
});
