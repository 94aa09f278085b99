/** Dataset → method → published score; a cell marked F (failed), M (missing) or left empty is absent. */
export type PublishedScores = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface PublishedTable {
  /** The method columns, in the table's order (`\textsc{binseg}` → `binseg`). */
  readonly methods: readonly string[];
  readonly scores: PublishedScores;
}

/** A cell's text without the row end (`\\`), bold (`\textbf{..}`) or surrounding space. */
function cellText(cell: string): string {
  const text = cell.replace(/\\\\\s*$/, '').trim();
  const bold = /^\\textbf\{(.*)\}$/.exec(text);
  return (bold === null ? text : bold[1]!).trim();
}

/**
 * Parses one of TCPDBench's LaTeX result tables (`default_f1_combined_full.tex`, ...): a header row
 * `Dataset & \textsc{amoc} & ...\\` and rows `\verb+nile+ & 1.000 & \textbf{0.824} & F & ...\\`.
 * Rules (`\toprule`, `\midrule`) and other lines are skipped; `path` names the file in errors.
 */
export function parsePublishedTable(text: string, path: string): PublishedTable {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((line) => line.includes('\\textsc{'));
  if (headerAt < 0) throw new Error(`cannot parse TCPD table ${path}: no header row of \\textsc{method} names`);
  const methods = lines[headerAt]!
    .split('&')
    .slice(1)
    .map((cell, c) => {
      const name = /\\textsc\{([^}]*)\}/.exec(cell)?.[1]?.trim();
      if (name === undefined || name === '') throw new Error(`cannot parse TCPD table ${path}: line ${headerAt + 1}, column ${c + 2} names no method`);
      return name;
    });
  const scores = new Map<string, Map<string, number>>();
  for (let i = headerAt + 1; i < lines.length; i++) {
    const cells = lines[i]!.split('&');
    const dataset = /^\s*\\verb\+([^+]+)\+\s*$/.exec(cells[0]!)?.[1];
    if (dataset === undefined) continue;
    if (cells.length !== methods.length + 1) throw new Error(`cannot parse TCPD table ${path}: line ${i + 1} (${dataset}) has ${cells.length - 1} scores for ${methods.length} methods`);
    const row = new Map<string, number>();
    cells.slice(1).forEach((cell, c) => {
      const value = cellText(cell);
      if (value === '' || value === 'F' || value === 'M') return;
      const score = Number(value);
      if (!Number.isFinite(score)) throw new Error(`cannot parse TCPD table ${path}: line ${i + 1} (${dataset}), ${methods[c]}: ${JSON.stringify(value)} is not a score, F, M or empty`);
      row.set(methods[c]!, score);
    });
    scores.set(dataset, row);
  }
  if (scores.size === 0) throw new Error(`cannot parse TCPD table ${path}: no \\verb+dataset+ rows`);
  return { methods, scores };
}
