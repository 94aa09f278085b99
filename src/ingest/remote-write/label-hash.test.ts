import { describe, expect, it } from 'vitest';
import { hashLabelBytes } from './label-hash.js';

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

describe('hashLabelBytes', () => {
  it('depends on the bytes only, not on where they sit, and on every byte and the length', () => {
    const a = Buffer.from('xx__name__up\u0000job\u0000node-exporter');
    const b = Buffer.from('__name__up\u0000job\u0000node-exporter');
    expect(hashLabelBytes(viewOf(a), a, 2, a.length)).toBe(hashLabelBytes(viewOf(b), b, 0, b.length));
    const seen = new Set<number>();
    for (let i = 0; i < b.length; i++) {
      const changed = Buffer.from(b);
      changed[i] = changed[i]! ^ 1;
      seen.add(hashLabelBytes(viewOf(changed), changed, 0, changed.length));
    }
    seen.add(hashLabelBytes(viewOf(b), b, 0, b.length - 1));
    seen.add(hashLabelBytes(viewOf(b), b, 0, b.length));
    expect(seen.size).toBe(b.length + 2);
  });

  it('spreads label sets that differ in one character over the low bits', () => {
    const slots = new Set<number>();
    for (let i = 0; i < 4096; i++) {
      const labels = Buffer.from(`__name__http_requests_total instance host-${i}:9100 job api`);
      slots.add(hashLabelBytes(viewOf(labels), labels, 0, labels.length) & 8191);
    }
    // 4,096 random values in 8,192 slots fill about 3,220 of them.
    expect(slots.size).toBeGreaterThan(3000);
  });
});
