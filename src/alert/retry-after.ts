/**
 * Delay asked for by a `Retry-After` header, in ms: either delay-seconds or an HTTP-date relative to
 * `nowMs`. Null when the header is absent or unreadable, so the caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse alone is lenient (it reads '-5' as a year); an HTTP-date always names a day and month.
  if (!/[A-Za-z]/.test(text)) return null;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, dateMs - nowMs);
}
