import type { HecTokenConfig } from '../../config/index.js';
import { parseHecAuthorization } from './auth.js';
import type { HecError } from './status.js';

export type HecTokenLookup = { readonly ok: true; readonly token: HecTokenConfig } | { readonly ok: false; readonly error: HecError };

/** The configured HEC tokens by value; the first of duplicates wins. */
export class HecTokens {
  private readonly byValue = new Map<string, HecTokenConfig>();

  constructor(tokens: readonly HecTokenConfig[]) {
    for (const token of tokens) if (!this.byValue.has(token.token)) this.byValue.set(token.token, token);
  }

  /**
   * The token a request authenticates with, or Splunk's refusal. A token in the `token` query
   * parameter gets code 16: Splunk takes one there only from tokens configured to allow it, and Vigil
   * offers no such setting, since a URL (token included) ends up in proxy and access logs.
   */
  authenticate(authorization: string | undefined, queryToken: string | null): HecTokenLookup {
    if ((authorization === undefined || authorization.trim() === '') && queryToken !== null) {
      return { ok: false, error: { status: 'queryStringAuthDisabled', cause: 'token given in the query string' } };
    }
    const parsed = parseHecAuthorization(authorization);
    if (!parsed.ok) return parsed;
    const token = this.byValue.get(parsed.token);
    if (token === undefined) return { ok: false, error: { status: 'invalidToken', cause: 'the token is not configured' } };
    if (token.disabled) return { ok: false, error: { status: 'tokenDisabled', cause: `token ${tokenName(token)} is disabled` } };
    return { ok: true, token };
  }
}

/** How a token is named in logs, sources and metrics: its configured name, never its value. */
export function tokenName(token: HecTokenConfig): string {
  return token.name ?? 'unnamed';
}
