/**
 * A series to segment: one array per dimension, all of one length, in time order. NaN marks a
 * missing value; methods must not fail on it.
 */
export type MultiSeries = readonly Float64Array[];

/**
 * An offline change-point method: given a whole series, the indices where a new segment starts,
 * ascending, each in 1..n-1 (index 0 is the start of the series, never reported).
 */
export interface ChangePointMethod {
  readonly id: string;
  /** One line for people: the algorithm and its defaults. */
  readonly description: string;
  detect(series: MultiSeries): number[];
}

/** Length of a series (the first dimension's), 0 when it has none. */
export function seriesLength(series: MultiSeries): number {
  return series[0]?.length ?? 0;
}
