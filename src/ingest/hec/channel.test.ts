import { describe, expect, it } from 'vitest';
import { readHecChannel } from './channel.js';
import { hecErrorResponse } from './status.js';

const GUID = 'FDEB6D3A-7EA4-4C33-8F0C-0A4A3C4B5E6F';

describe('readHecChannel', () => {
  it('takes the header over the query parameter, one channel whatever the case of its digits', () => {
    expect(readHecChannel(GUID, '0aa3b6a2-41b5-4b53-9d3a-1f8b2e4c5d6a', true)).toEqual({ ok: true, channel: GUID.toLowerCase() });
    expect(readHecChannel(undefined, GUID, true)).toEqual({ ok: true, channel: GUID.toLowerCase() });
    expect(readHecChannel(undefined, null, false)).toEqual({ ok: true, channel: undefined });
  });

  it('answers code 10 for a required channel that is missing and code 11 for one that is not a GUID', () => {
    const missing = readHecChannel(undefined, null, true);
    const invalid = readHecChannel('abc', null, false);
    if (missing.ok || invalid.ok) throw new Error('expected refusals');
    expect(hecErrorResponse(missing.error)).toEqual({ httpStatus: 400, body: { text: 'Data channel is missing', code: 10 } });
    expect(hecErrorResponse(invalid.error)).toEqual({ httpStatus: 400, body: { text: 'Invalid data channel', code: 11 } });
    expect(invalid.error.cause).toBe('channel "abc" is not a GUID');
  });
});
