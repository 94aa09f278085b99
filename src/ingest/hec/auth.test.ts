import { describe, expect, it } from 'vitest';
import { parseHecAuthorization } from './auth.js';
import { severityFromName } from './severity.js';
import { hecErrorResponse } from './status.js';

describe('parseHecAuthorization', () => {
  it('reads the token of "Splunk <token>"', () => {
    expect(parseHecAuthorization('Splunk 12345678-1234-1234-1234-1234567890AB')).toEqual({ ok: true, token: '12345678-1234-1234-1234-1234567890AB' });
    expect(parseHecAuthorization('splunk abc')).toEqual({ ok: true, token: 'abc' });
  });

  it('answers Splunk\'s codes for a missing or malformed header', () => {
    for (const [header, body] of [
      [undefined, { text: 'Token is required', code: 2 }],
      ['', { text: 'Token is required', code: 2 }],
      ['abc', { text: 'Invalid authorization', code: 3 }],
      ['Bearer abc', { text: 'Invalid authorization', code: 3 }],
    ] as const) {
      const result = parseHecAuthorization(header);
      if (result.ok) throw new Error(`expected a refusal of ${String(header)}`);
      expect(hecErrorResponse(result.error)).toEqual({ httpStatus: 401, body });
    }
  });
});

describe('severityFromName', () => {
  it('maps common level names and ignores unknown ones', () => {
    expect(severityFromName('WARN')).toBe('warning');
    expect(severityFromName(' Information ')).toBe('info');
    expect(severityFromName('fatal')).toBe('critical');
    expect(severityFromName('constructor')).toBeUndefined();
    expect(severityFromName('loud')).toBeUndefined();
  });
});
