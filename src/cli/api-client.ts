/** How to reach a running server. */
export interface ServerTarget {
  readonly url: string;
  readonly token?: string;
}

/**
 * Calls a running server's HTTP API and parses its JSON answer. An unreachable server, or an error
 * answer, becomes an Error whose message says what the server said (or that it is not running).
 * `headers` are sent as given, beside the content type and the bearer token.
 */
export async function requestJson<T>(
  target: ServerTarget,
  path: string,
  init: { readonly method?: 'GET' | 'POST'; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> } = {},
): Promise<T> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  let response: Response;
  try {
    response = await fetch(new URL(path, target.url), { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  } catch (err) {
    const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new Error(`cannot reach ${target.url}: ${cause} (is "vigil serve" running?)`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // Not JSON: print the body as it is.
    }
    throw new Error(`${message} (HTTP ${response.status})`);
  }
  return JSON.parse(text) as T;
}
