import { readFileSync } from 'node:fs';

/** A small comma-separated file as NAB writes them: a header line, then one record a line, no quoting. */
export interface CsvTable {
  readonly path: string;
  readonly header: readonly string[];
  /** Record lines, header excluded; line `i` is line `i + 2` of the file. */
  readonly lines: readonly string[];
}

export function readCsvTable(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error(`cannot read ${path}: the file is empty (a header line is expected)`);
  const header = lines[0]!.replace(/^\uFEFF/, '').split(',').map((name) => name.trim());
  return { path, header, lines: lines.slice(1) };
}

/** Index of a named column; throws naming the file and the columns it has. */
export function columnIndex(table: CsvTable, name: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`cannot read ${table.path}: no column ${JSON.stringify(name)} in header ${JSON.stringify(table.header.join(','))}`);
  return index;
}

/** The cell at `index` of a record line, without splitting the whole line. */
export function cellAt(line: string, index: number): string | undefined {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const comma = line.indexOf(',', start);
    if (comma < 0) return undefined;
    start = comma + 1;
  }
  const end = line.indexOf(',', start);
  return line.slice(start, end < 0 ? line.length : end);
}

/** Error about one record, naming the file and its line number. */
export function lineError(table: CsvTable, recordIndex: number, cause: string): Error {
  return new Error(`cannot read ${table.path}: line ${recordIndex + 2}: ${cause}`);
}
