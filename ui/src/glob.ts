const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Turns what the user typed into a series glob: text with glob characters is used as typed,
 * plain text matches anywhere in the key (`**text**`, since a single `*` stops at dots).
 */
export function searchToGlob(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return '**';
  if (GLOB_CHARS.test(trimmed)) return trimmed;
  return `**${trimmed}**`;
}
