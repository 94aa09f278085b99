import { fillSymbols, WindowTable } from './deeplog-windows.js';
import type { Session } from './session.js';

/**
 * The training set of a next-key model, one row per distinct window: HDFS's 40k positions collapse to 2.5k rows.
 * A row's target is the share of each key that followed its window; weighting each row by how often its window
 * occurred makes the loss over the rows equal the loss over every position.
 */
export interface TrainingRows {
  readonly count: number;
  /** Row-major `[count, windowLength]`. */
  readonly windows: Int32Array;
  /** Per row, the symbols that followed the window and how often, as parallel arrays. */
  readonly followers: readonly { readonly symbols: Uint32Array; readonly counts: Float64Array }[];
  /** Per row, how often the window occurred. */
  readonly occurrences: Float64Array;
}

export function buildTrainingRows(sessions: readonly Session[], windowLength: number, endSymbol: number): TrainingRows {
  const table = new WindowTable<number>(windowLength);
  const windows: number[] = [];
  const followers: Map<number, number>[] = [];
  let longest = 0;
  for (const session of sessions) longest = Math.max(longest, session.length);
  const symbols = new Int32Array(windowLength + longest + 1);
  for (const session of sessions) {
    const n = fillSymbols(session, windowLength, endSymbol, symbols);
    for (let i = windowLength; i < n; i++) {
      let row = table.get(symbols, i - windowLength);
      if (row === undefined) {
        row = followers.length;
        table.add(symbols, i - windowLength, row);
        for (let k = i - windowLength; k < i; k++) windows.push(symbols[k]!);
        followers.push(new Map());
      }
      const next = followers[row]!;
      next.set(symbols[i]!, (next.get(symbols[i]!) ?? 0) + 1);
    }
  }
  const occurrences = new Float64Array(followers.length);
  const rows = followers.map((next, row) => {
    const entries = [...next.entries()].sort((a, b) => a[0] - b[0]);
    for (const [, count] of entries) occurrences[row]! += count;
    return { symbols: Uint32Array.from(entries, (e) => e[0]), counts: Float64Array.from(entries, (e) => e[1]) };
  });
  return { count: rows.length, windows: Int32Array.from(windows), followers: rows, occurrences };
}
