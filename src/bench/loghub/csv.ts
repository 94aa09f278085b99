/** Parses RFC 4180 CSV text (quoted fields may hold commas, quotes as `""` and newlines) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
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
