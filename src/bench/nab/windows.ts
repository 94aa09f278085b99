/** An anomaly window as a range of rows of its file, both ends included. */
export interface NabWindow {
  readonly firstRow: number;
  readonly lastRow: number;
}

/** NAB's probationary period: the first min(floor(15% of rows), 750) rows are not scored. */
export function probationaryRows(rowCount: number): number {
  return Math.min(Math.floor(0.15 * rowCount), 750);
}

/**
 * Turns window limits (start and end times, both included) into row ranges: a window holds the rows
 * whose time lies within its limits, as NAB's labeller marks them. Each window must hold at least one
 * row, form one contiguous run of rows, and not overlap another; the result is sorted by row.
 */
export function windowsToRows(timestampsMs: Float64Array, limitsMs: readonly (readonly [number, number])[], where: string): NabWindow[] {
  const windows: NabWindow[] = [];
  for (const [startMs, endMs] of limitsMs) {
    let firstRow = -1;
    let lastRow = -1;
    let count = 0;
    for (let i = 0; i < timestampsMs.length; i++) {
      const t = timestampsMs[i]!;
      if (t >= startMs && t <= endMs) {
        if (firstRow < 0) firstRow = i;
        lastRow = i;
        count++;
      }
    }
    const label = `window [${new Date(startMs).toISOString()}, ${new Date(endMs).toISOString()}] of ${where}`;
    if (count === 0) throw new Error(`cannot place ${label}: no row lies within it`);
    if (count !== lastRow - firstRow + 1) throw new Error(`cannot place ${label}: its rows are not contiguous (timestamps out of order inside it)`);
    windows.push({ firstRow, lastRow });
  }
  windows.sort((a, b) => a.firstRow - b.firstRow);
  for (let k = 1; k < windows.length; k++) {
    if (windows[k]!.firstRow <= windows[k - 1]!.lastRow) throw new Error(`cannot place the windows of ${where}: windows ${k - 1} and ${k} overlap`);
  }
  return windows;
}
