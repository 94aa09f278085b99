/** A split of a segment that a test accepted: the index where the second part starts. */
export type SplitDecision = number | null;

/**
 * Binary segmentation: split [0, n) where `split` says, then each part again, until no part splits.
 * `split(start, end)` returns an index in (start, end) or null. Returns the split indices ascending.
 */
export function bisect(n: number, split: (start: number, end: number) => SplitDecision): number[] {
  const found: number[] = [];
  const pending: [number, number][] = [[0, n]];
  while (pending.length > 0) {
    const [start, end] = pending.pop()!;
    const at = split(start, end);
    if (at === null) continue;
    if (!(at > start && at < end)) throw new Error(`split of [${start}, ${end}) at ${at} is outside the segment`);
    found.push(at);
    pending.push([start, at], [at, end]);
  }
  return found.sort((a, b) => a - b);
}
