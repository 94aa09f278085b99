import { describe, expect, it } from 'vitest';
import { TemplateCatalog } from './template-catalog.js';

describe('TemplateCatalog', () => {
  it('keeps counts, times, the worst severity and the latest distinct examples per handle, and merges handles', () => {
    const catalog = new TemplateCatalog(2);
    catalog.record(0, 500, 'info', 'disk sda ok');
    catalog.record(0, 100, 'error', 'disk sdb failed');
    catalog.record(0, 900, 'warning', 'disk sdb failed');
    catalog.record(0, 700, 'info', 'disk sdc ok');
    catalog.record(2, 50, 'debug', 'other');
    expect(catalog.merge([0])).toEqual({ count: 4, firstSeenMs: 100, lastSeenMs: 900, worstSeverityCode: 3, examples: ['disk sdb failed', 'disk sdc ok'] });
    expect(catalog.merge([1])).toBeNull();
    expect(catalog.merge([0, 1, 2])).toEqual({ count: 5, firstSeenMs: 50, lastSeenMs: 900, worstSeverityCode: 3, examples: ['disk sdc ok', 'other'] });
    const restored = TemplateCatalog.restore(JSON.parse(JSON.stringify(catalog.snapshot())), 2);
    expect(restored.merge([0, 2])).toEqual(catalog.merge([0, 2]));
    expect(() => TemplateCatalog.restore([{ count: 'x' }] as never, 2)).toThrow(/entry 0 lacks/);
  });
});
