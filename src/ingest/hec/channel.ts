import { quoteValue } from '../quote.js';
import type { HecError } from './status.js';

export type HecChannelResult = { readonly ok: true; readonly channel: string | undefined } | { readonly ok: false; readonly error: HecError };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The data channel of a request, from the `X-Splunk-Request-Channel` header or else the `channel`
 * query parameter. Splunk's channels are GUIDs; anything else is code 11. A missing channel is code 10
 * where `required` (raw requests, tokens with indexer acknowledgment, ack queries).
 */
export function readHecChannel(header: string | string[] | undefined, queryChannel: string | null, required: boolean): HecChannelResult {
  const value = (Array.isArray(header) ? header[0] : header) ?? queryChannel ?? undefined;
  if (value === undefined || value.trim() === '') {
    if (required) return { ok: false, error: { status: 'channelMissing', cause: 'no X-Splunk-Request-Channel header or channel query parameter' } };
    return { ok: true, channel: undefined };
  }
  const channel = value.trim();
  if (!GUID.test(channel)) return { ok: false, error: { status: 'invalidChannel', cause: `channel ${quoteValue(channel)} is not a GUID` } };
  // One channel whatever the case of its hex digits.
  return { ok: true, channel: channel.toLowerCase() };
}
