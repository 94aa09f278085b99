/** Typed client for Vigil's HTTP API v1 (see docs: series, query, anomalies, status). */

export interface SeriesItem {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SeriesList {
  readonly series: readonly SeriesItem[];
  readonly total: number;
}

export interface QueryResult {
  readonly series: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly agg: string;
  readonly timestampsMs: readonly number[];
  /** null where a bucket holds no point. */
  readonly values: readonly (number | null)[];
}

/** What backs a log-derived anomaly: the template, example lines, the session, a sentence. */
export interface AnomalyEvidence {
  readonly template?: { readonly id: string; readonly text: string; readonly severity?: string };
  readonly examples?: readonly string[];
  readonly session?: { readonly id: string; readonly templates: readonly string[] };
  readonly reason?: string;
}

export interface AnomalyItem {
  readonly series: string;
  readonly seriesId: number;
  readonly timestampMs: number;
  readonly value: number;
  readonly score: number;
  readonly kind: string | null;
  readonly expected: number | null;
  readonly detector: string;
  readonly evidence?: AnomalyEvidence;
}

/** A deploy, config change or other event (GET /api/v1/events). */
export interface EventItem {
  readonly id: string;
  /** deploy, config, rollback or another lowercase word. */
  readonly type: string;
  readonly service: string | null;
  readonly version: string | null;
  readonly timestampMs: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string | null;
}

export interface Status {
  readonly version: string;
  readonly startedAtMs: number;
  readonly seriesCount: number;
  readonly pointsReceived: number;
  readonly logRecordsReceived: number;
  readonly anomaliesFound: number;
  readonly graphite: { readonly tcpPort: number; readonly udpPort: number; readonly host: string };
  readonly http: { readonly port: number };
  readonly detectors: readonly string[];
}

/** An API call that failed; the message is the server's `error` text when it sent one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Params = Readonly<Record<string, string | number | undefined>>;

async function getJson<T>(path: string, params: Params, signal: AbortSignal): Promise<T> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.set(name, String(value));
  }
  const qs = query.toString();
  const url = qs.length > 0 ? `${path}?${qs}` : path;
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new ApiError(`cannot reach ${path}: ${err instanceof Error ? err.message : String(err)}`, 0, undefined);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const detail = errorBody(body);
    const message = detail?.error ?? `cannot get ${path}: HTTP ${res.status} ${res.statusText}`.trim();
    throw new ApiError(message, res.status, detail?.field);
  }
  if (body === undefined) throw new ApiError(`cannot read ${path}: response is not JSON`, res.status, undefined);
  return body as T;
}

function errorBody(body: unknown): { error: string; field: string | undefined } | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const { error, field } = body as { error: unknown; field?: unknown };
  if (typeof error !== 'string') return undefined;
  return { error, field: typeof field === 'string' ? field : undefined };
}

export function fetchStatus(signal: AbortSignal): Promise<Status> {
  return getJson<Status>('/api/v1/status', {}, signal);
}

export function fetchSeries(match: string, limit: number, signal: AbortSignal): Promise<SeriesList> {
  return getJson<SeriesList>('/api/v1/series', { match, limit }, signal);
}

export function fetchQuery(seriesKey: string, from: string, signal: AbortSignal): Promise<QueryResult> {
  return getJson<QueryResult>('/api/v1/query', { series: seriesKey, from, to: 'now' }, signal);
}

/** Anomalies in [from, now]; `series` is a key or glob, all series when omitted. */
export async function fetchAnomalies(
  from: string,
  series: string | undefined,
  limit: number,
  signal: AbortSignal,
): Promise<readonly AnomalyItem[]> {
  const body = await getJson<{ anomalies: readonly AnomalyItem[] }>(
    '/api/v1/anomalies',
    { from, to: 'now', series, limit },
    signal,
  );
  return body.anomalies;
}

/** Events in [from, now], oldest first. */
export async function fetchEvents(from: string, limit: number, signal: AbortSignal): Promise<readonly EventItem[]> {
  const body = await getJson<{ events: readonly EventItem[] }>('/api/v1/events', { from, to: 'now', limit }, signal);
  return body.events;
}

/** True for the rejection a superseded request gets when its AbortController fires. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
