import { canonicalSeriesKey } from '../series-path.js';

const SEMICOLON = 0x3b;
const FIRST_PRINTABLE = 0x21;
const DEL = 0x7f;

export type PathKeyResult = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly path: string; readonly cause: string };

/**
 * The canonical series key of the Graphite path in `bytes[start, end)` (plaintext or pickle). A
 * non-empty path of printable ASCII without ';' is a valid untagged path and its own key, so only
 * tagged or unusual paths are parsed; when the path cannot name a series, the cause says why.
 */
export function graphitePathKey(bytes: Buffer, start: number, end: number): PathKeyResult {
  if (isPlainPath(bytes, start, end)) return { ok: true, key: bytes.toString('latin1', start, end) };
  const path = bytes.toString('utf8', start, end);
  const canonical = canonicalSeriesKey(path);
  return canonical.ok ? canonical : { ok: false, path, cause: canonical.cause };
}

function isPlainPath(bytes: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c < FIRST_PRINTABLE || c >= DEL || c === SEMICOLON) return false;
  }
  return true;
}
