import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv.js';

export interface AccuracyFigures {
  readonly GA: number;
  readonly FGA: number;
  readonly PA: number;
  readonly FTA: number;
}

export const METRICS = ['GA', 'FGA', 'PA', 'FTA'] as const;

/** The 2k half of a Loghub-2.0 table cell `2k / full`; `------` (no result) is null. */
function twoK(cell: string | undefined): number | null {
  const value = Number((cell ?? '').split('/')[0]!.trim());
  return Number.isFinite(value) && (cell ?? '').trim() !== '' ? value : null;
}

/**
 * Drain's published 2k figures per system from `published/effectiveness_results.csv` (rows `<System> GA`,
 * `Average GA`, ...), or an empty map when the file is not there.
 */
export function readPublishedDrain(dataDir: string, parser = 'Drain'): Map<string, AccuracyFigures> {
  const file = join(dataDir, 'published', 'effectiveness_results.csv');
  const out = new Map<string, AccuracyFigures>();
  if (!existsSync(file)) return out;
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  const column = header?.indexOf(parser) ?? -1;
  if (column < 0) throw new Error(`cannot read ${file}: no ${parser} column`);
  const cells = new Map<string, Record<string, number | null>>();
  for (const row of rows) {
    const label = row[0]?.trim() ?? '';
    const space = label.lastIndexOf(' ');
    const system = label.slice(0, space);
    const metric = label.slice(space + 1);
    if (space < 0 || !(METRICS as readonly string[]).includes(metric)) continue;
    const entry = cells.get(system) ?? {};
    entry[metric] = twoK(row[column]);
    cells.set(system, entry);
  }
  for (const [system, entry] of cells) {
    const { GA, FGA, PA, FTA } = entry;
    if (typeof GA === 'number' && typeof FGA === 'number' && typeof PA === 'number' && typeof FTA === 'number') out.set(system, { GA, FGA, PA, FTA });
  }
  return out;
}
