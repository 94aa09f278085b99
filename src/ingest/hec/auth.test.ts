import { describe, expect, it } from 'vitest';
import { parseHecAuthorization } from './auth.js';
import { severityFromName } from './severity.js';
import { hecErrorResponse } from './status.js';

describe('parseHecAuthorization', () => {
  it('reads the token of "Splunk <token>"', () => {
    expect(parseHecAuthorization('Splunk 12345678-1234-1234-1234-1234567890AB')).toEqual({ ok: true, token: '12345678-1234-1234-1234-1234567890AB' });
    expect(parseHecAuthorization('splunk abc')).toEqual({ ok: true, token: 'abc' });
  });

  it('reads the token of basic authentication, where it is the password', () => {
    const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;
    expect(parseHecAuthorization(basic('x:abc-123'))).toEqual({ ok: true, token: 'abc-123' });
    expect(parseHecAuthorization(basic(':a:b'))).toEqual({ ok: true, token: 'a:b' });
    for (const header of [basic('no-colon'), basic('user:'), 'Basic !!!']) {
      const result = parseHecAuthorization(header);
      if (result.ok) throw new Error(`expected a refusal of ${header}`);
      expect(hecErrorResponse(result.error).body).toEqual({ text: 'Invalid authorization', code: 3 });
    }
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
