/**
 * Parses RFC 4180 CSV text (quoted fields may hold commas, quotes as `""` and newlines) into rows of fields.
 * Fields are slices of the text, not strings built a character at a time, so reading them later is fast.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      field = '';
      let from = ++i;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          field += text.slice(from);
          i = n;
          break;
        }
        if (text.charCodeAt(quote + 1) === 34) {
          field += text.slice(from, quote + 1);
          from = i = quote + 2;
          continue;
        }
        field += text.slice(from, quote);
        i = quote + 1;
        break;
      }
      // Text after the closing quote and before the delimiter belongs to the field.
      const after = i;
      while (i < n && !isFieldEnd(text.charCodeAt(i))) i++;
      if (i > after) field += text.slice(after, i);
    } else {
      const from = i;
      while (i < n && !isFieldEnd(text.charCodeAt(i))) i++;
      field = text.slice(from, i);
    }
    row.push(field);
    if (i >= n) break;
    const c = text.charCodeAt(i++);
    if (c === 44) {
      if (i === n) row.push('');
      continue;
    }
    if (c === 13 && text.charCodeAt(i) === 10) i++;
    rows.push(row);
    row = [];
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

function isFieldEnd(c: number): boolean {
  return c === 44 || c === 10 || c === 13;
}

/** The named columns of a CSV table with a header row; names a missing column and the file. */
export function csvColumns(text: string, names: readonly string[], file: string): string[][] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new Error(`cannot read ${file}: the file is empty`);
  const indexes = names.map((name) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`cannot read ${file}: no ${name} column in header ${header.join(',')}`);
    return index;
  });
  return indexes.map((index) => rows.map((row) => row[index] ?? ''));
}
