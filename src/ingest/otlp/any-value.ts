/** An AnyValue inside an array or key-value list attribute, as plain JSON. */
export type NestedValue = string | boolean | number | null | NestedValue[] | { [key: string]: NestedValue };

/** Arrays and key-value lists nested deeper than this make the payload undecodable (a stack guard). */
export const MAX_NESTING = 32;

/**
 * Tag text of a non-string attribute: booleans as `true`/`false`, integers in decimal, doubles as
 * JavaScript prints them, bytes in base64, arrays and key-value lists as compact JSON (`["a","b"]`,
 * `{"k":1}`). Both encodings give the same text for the same value.
 */
export function nestedText(value: NestedValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An int64 inside an array or list: a JSON number while exact, its decimal text beyond 2^53. */
export function nestedInt(text: string): NestedValue {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}
