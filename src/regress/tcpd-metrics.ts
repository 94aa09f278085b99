/**
 * The change-point metrics of the Turing Change Point Dataset benchmark (van den Burg & Williams, 2020;
 * TCPDBench's `metrics.py`), ported exactly so that our figures sit beside its published tables: the
 * F1 of annotated points matched within a margin, and the covering of the annotated segmentations.
 */

/** Annotator id → the change points that annotator marked (indices into the series). */
export type TcpdAnnotations = ReadonlyMap<string, readonly number[]> | Readonly<Record<string, readonly number[]>>;

/** TCPDBench's margin: a prediction within 5 points of an annotated change point matches it. */
export const TCPD_MARGIN_POINTS = 5;

/** The annotators' lists, whichever form they come in. */
function annotatorLists(annotations: TcpdAnnotations): (readonly number[])[] {
  return annotations instanceof Map ? [...annotations.values()] : Object.values(annotations as Readonly<Record<string, readonly number[]>>);
}

/** The locations as a set with 0 added, ascending: every segmentation starts a segment at 0. */
function withZero(locations: readonly number[]): number[] {
  return [...new Set([0, ...locations])].sort((a, b) => a - b);
}

/**
 * The points of `T` matched by a point of `X` within the margin, no point of `X` used twice. Each τ of `T`
 * takes the closest unused x, the smaller x on a tie, as TCPDBench does. TCPDBench walks `T` in Python set
 * order, which for small ints is mostly ascending; we walk it ascending so the result never depends on
 * hashing (the two differ only where one x is within the margin of two τ and the order decides who gets it).
 */
export function truePositives(T: readonly number[], X: readonly number[], marginPoints = TCPD_MARGIN_POINTS): number[] {
  const unused = new Set(X);
  const matched: number[] = [];
  for (const tau of [...new Set(T)].sort((a, b) => a - b)) {
    let best: number | undefined;
    for (const x of unused) {
      const distance = Math.abs(tau - x);
      if (distance > marginPoints) continue;
      if (best === undefined || distance < Math.abs(tau - best) || (distance === Math.abs(tau - best) && x < best)) best = x;
    }
    if (best === undefined) continue;
    matched.push(tau);
    unused.delete(best);
  }
  return matched;
}

export interface TcpdFMeasure {
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * TCPDBench's F-measure with 0 added to every set. Precision is against the union of the annotators' points;
 * recall is the mean over annotators, so one annotator's extra points cost recall only on their share.
 */
export function fMeasureDetail(annotations: TcpdAnnotations, predictions: readonly number[], marginPoints = TCPD_MARGIN_POINTS): TcpdFMeasure {
  const annotators = annotatorLists(annotations).map(withZero);
  if (annotators.length === 0) throw new Error('cannot compute the F-measure: no annotators');
  const X = withZero(predictions);
  const Tstar = [...new Set(annotators.flat())];
  const precision = truePositives(Tstar, X, marginPoints).length / X.length;
  let recallSum = 0;
  for (const Tk of annotators) recallSum += truePositives(Tk, X, marginPoints).length / Tk.length;
  const recall = recallSum / annotators.length;
  // α = 0.5 as in TCPDBench: the harmonic mean of P and R.
  const f1 = precision === 0 && recall === 0 ? 0 : (precision * recall) / (0.5 * recall + 0.5 * precision);
  return { f1, precision, recall };
}

/** TCPDBench's `f_measure` (α = 0.5). */
export function fMeasure(annotations: TcpdAnnotations, predictions: readonly number[], marginPoints = TCPD_MARGIN_POINTS): number {
  return fMeasureDetail(annotations, predictions, marginPoints).f1;
}

/** A segment `[start, end)` of a partition of `0..n-1`. */
interface Segment {
  readonly start: number;
  readonly end: number;
}

/**
 * TCPDBench's `partition_from_cps` as intervals: a new segment at each location, none empty (a location at
 * 0 or repeated splits nothing). Its loop walks the sorted locations only as `i` reaches each, so one that
 * `i` can never equal (negative, fractional) stops all later splits; locations ≥ n are never reached.
 */
export function partitionFromChangePoints(locations: readonly number[], nObs: number): Segment[] {
  const segments: Segment[] = [];
  let start = 0;
  for (const cp of [...new Set(locations)].sort((a, b) => a - b)) {
    if (!Number.isInteger(cp) || cp < start || cp >= nObs) break;
    if (cp > start) segments.push({ start, end: cp });
    start = cp;
  }
  segments.push({ start, end: nObs });
  return segments;
}

/** |A ∩ B| / |A ∪ B| for two non-empty intervals. */
function jaccard(a: Segment, b: Segment): number {
  const intersection = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  return intersection / (a.end - a.start + (b.end - b.start) - intersection);
}

/** TCPDBench's `cover_single`: how well the predicted partition covers one annotator's. */
function coverSingle(predicted: readonly Segment[], annotated: readonly Segment[], nObs: number): number {
  let sum = 0;
  for (const r of annotated) {
    let best = 0;
    for (const rPrime of predicted) best = Math.max(best, jaccard(r, rPrime));
    sum += (r.end - r.start) * best;
  }
  return sum / nObs;
}

/** TCPDBench's `covering`: the mean over annotators of how well the predicted segmentation covers theirs. */
export function covering(annotations: TcpdAnnotations, predictions: readonly number[], nObs: number): number {
  if (!Number.isInteger(nObs) || nObs <= 0) throw new Error(`cannot compute the covering: nObs ${nObs} is not a positive integer`);
  const lists = annotatorLists(annotations);
  if (lists.length === 0) throw new Error('cannot compute the covering: no annotators');
  const predicted = partitionFromChangePoints(predictions, nObs);
  let sum = 0;
  for (const list of lists) sum += coverSingle(predicted, partitionFromChangePoints(list, nObs), nObs);
  return sum / lists.length;
}
