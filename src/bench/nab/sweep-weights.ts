import type { NabWindow } from './windows.js';

/**
 * NAB's scaled sigmoid of a relative position: about 0.987 at the start of a window (-1), 0 at its
 * end (0), about -0.987 one window length after it (1), and -1 beyond 3 window lengths.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/** The largest sigmoid a detection can earn (at the first row of a window); true positives are scaled by it so that one earns exactly tpWeight. */
export const MAX_TP_SIGMOID = scaledSigmoid(-1);

/** Per row of a file: the window it lies in and the unweighted value a detection there would earn. */
export interface RowWeights {
  /** Index into the file's windows, -1 outside every window. */
  readonly rowWindow: Int32Array;
  /**
   * Inside a window: the scaled sigmoid of -(rows from here to the window's end, inclusive) / window
   * length, so the earliest detection earns most. Outside: the scaled sigmoid of the distance past the
   * closest preceding window's last row, in its length less one (-1 when no window precedes).
   */
  readonly rowSigmoid: Float64Array;
}

/** Computes NAB's per-row sweep values for a file of `rowCount` rows with windows sorted by row, not overlapping. */
export function computeRowWeights(rowCount: number, windows: readonly NabWindow[]): RowWeights {
  const rowWindow = new Int32Array(rowCount).fill(-1);
  const rowSigmoid = new Float64Array(rowCount);
  let next = 0;
  let previous: NabWindow | null = null;
  for (let i = 0; i < rowCount; i++) {
    const window = next < windows.length && i >= windows[next]!.firstRow ? windows[next]! : null;
    if (window !== null) {
      const length = window.lastRow - window.firstRow + 1;
      rowWindow[i] = next;
      rowSigmoid[i] = scaledSigmoid(-(window.lastRow - i + 1) / length);
      if (i === window.lastRow) {
        previous = window;
        next++;
      }
    } else if (previous === null) {
      rowSigmoid[i] = -1;
    } else {
      // A one-row window divides by zero here, as in NAB; the infinite distance scores -1.
      rowSigmoid[i] = scaledSigmoid((i - previous.lastRow) / (previous.lastRow - previous.firstRow));
    }
  }
  return { rowWindow, rowSigmoid };
}
