/**
 * Splits a message into whitespace-separated words, written into `out` (reused between calls so the
 * array does not grow per message); returns the number of words.
 */
export function splitWords(message: string, out: string[]): number {
  let count = 0;
  let start = -1;
  const n = message.length;
  for (let i = 0; i < n; i++) {
    const c = message.charCodeAt(i);
    if (c <= 32) {
      if (start >= 0) {
        out[count++] = message.slice(start, i);
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out[count++] = message.slice(start);
  out.length = count;
  return count;
}
