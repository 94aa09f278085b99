/** Longest part of an offending value quoted in a rejection message. */
const MAX_QUOTED_CHARS = 100;

/** JSON-quoted value for a rejection message, truncated so that a huge field cannot flood logs. */
export function quoteValue(value: string): string {
  if (value.length <= MAX_QUOTED_CHARS) return JSON.stringify(value);
  return JSON.stringify(`${value.slice(0, MAX_QUOTED_CHARS)}…`);
}
