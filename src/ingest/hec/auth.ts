import type { HecError } from './status.js';

export type HecAuthorization = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly error: HecError };

/**
 * Reads the token from an `Authorization: Splunk <token>` header. Whether the token is known and
 * enabled (codes 4 and 1) is for the caller, which holds the configured tokens.
 */
export function parseHecAuthorization(header: string | undefined): HecAuthorization {
  if (header === undefined || header.trim() === '') {
    return { ok: false, error: { status: 'tokenRequired', cause: 'no Authorization header' } };
  }
  const match = /^\s*splunk\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    return { ok: false, error: { status: 'invalidAuthorization', cause: 'Authorization header is not "Splunk <token>"' } };
  }
  return { ok: true, token: match[1]! };
}
