import type { HecError } from './status.js';

export type HecAuthorization = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly error: HecError };

const INVALID: HecAuthorization = {
  ok: false,
  error: { status: 'invalidAuthorization', cause: 'Authorization header is neither "Splunk <token>" nor "Basic <base64 of user:token>"' },
};

/**
 * Reads the token from an `Authorization: Splunk <token>` header, or from basic authentication with
 * the token as the password (`curl -u x:<token>`), which Splunk accepts too. Whether the token is
 * known and enabled (codes 4 and 1) is for the caller, which holds the configured tokens.
 */
export function parseHecAuthorization(header: string | undefined): HecAuthorization {
  if (header === undefined || header.trim() === '') {
    return { ok: false, error: { status: 'tokenRequired', cause: 'no Authorization header' } };
  }
  const match = /^\s*(splunk|basic)\s+(\S+)\s*$/i.exec(header);
  if (match === null) return INVALID;
  const credentials = match[2]!;
  if (match[1]!.toLowerCase() === 'splunk') return { ok: true, token: credentials };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return INVALID;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const token = colon === -1 ? '' : decoded.slice(colon + 1);
  return token === '' ? INVALID : { ok: true, token };
}
