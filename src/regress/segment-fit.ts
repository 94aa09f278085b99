/**
 * Prefix sums over one series so that the residual sum of squares of a constant or a straight line
 * fitted to any segment [start, end) costs O(1). Values should be centred and scaled first (see
 * prepareSeries) so the sums do not lose precision.
 */
export class SegmentFit {
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly sumIndex: Float64Array;
  private readonly sumIndexSquares: Float64Array;
  private readonly sumValueIndex: Float64Array;

  constructor(readonly values: Float64Array) {
    const n = values.length;
    this.sum = new Float64Array(n + 1);
    this.sumSquares = new Float64Array(n + 1);
    this.sumIndex = new Float64Array(n + 1);
    this.sumIndexSquares = new Float64Array(n + 1);
    this.sumValueIndex = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const x = values[i]!;
      this.sum[i + 1] = this.sum[i]! + x;
      this.sumSquares[i + 1] = this.sumSquares[i]! + x * x;
      this.sumIndex[i + 1] = this.sumIndex[i]! + i;
      this.sumIndexSquares[i + 1] = this.sumIndexSquares[i]! + i * i;
      this.sumValueIndex[i + 1] = this.sumValueIndex[i]! + i * x;
    }
  }

  get length(): number {
    return this.values.length;
  }

  mean(start: number, end: number): number {
    return (this.sum[end]! - this.sum[start]!) / (end - start);
  }

  /** Residual sum of squares around the segment's mean. */
  levelRss(start: number, end: number): number {
    const m = end - start;
    if (m <= 1) return 0;
    const s = this.sum[end]! - this.sum[start]!;
    return Math.max(0, this.sumSquares[end]! - this.sumSquares[start]! - (s * s) / m);
  }

  /** Residual sum of squares around the segment's least-squares line. */
  lineRss(start: number, end: number): number {
    const m = end - start;
    if (m <= 2) return 0;
    const { cxx, cxt, ctt } = this.moments(start, end);
    return Math.max(0, cxx - (ctt > 0 ? (cxt * cxt) / ctt : 0));
  }

  /** Intercept (at index 0) and slope per index of the segment's least-squares line. */
  line(start: number, end: number): { intercept: number; slope: number } {
    const m = end - start;
    const { cxt, ctt } = this.moments(start, end);
    const slope = ctt > 0 ? cxt / ctt : 0;
    const meanValue = (this.sum[end]! - this.sum[start]!) / m;
    const meanIndex = (this.sumIndex[end]! - this.sumIndex[start]!) / m;
    return { intercept: meanValue - slope * meanIndex, slope };
  }

  /** Centred second moments of value (x) and index (t) over the segment. */
  private moments(start: number, end: number): { cxx: number; cxt: number; ctt: number } {
    const m = end - start;
    const sx = this.sum[end]! - this.sum[start]!;
    const st = this.sumIndex[end]! - this.sumIndex[start]!;
    return {
      cxx: this.sumSquares[end]! - this.sumSquares[start]! - (sx * sx) / m,
      cxt: this.sumValueIndex[end]! - this.sumValueIndex[start]! - (sx * st) / m,
      ctt: this.sumIndexSquares[end]! - this.sumIndexSquares[start]! - (st * st) / m,
    };
  }
}
