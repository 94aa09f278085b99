import type { ServedVersion } from './served-version.js';

/**
 * A served version's outputs for a run of one series' points, computed ahead of the points in one forward pass
 * with other series' (see ModelSlot.predictBatch). Output k is for the point that arrives when the series has
 * accepted `firstAccepted + k` values, at time `timestampsMs[indices[k]]` with value `values[indices[k]]`; any other
 * point (one was refused, the versions changed) is judged on its own.
 */
const NO_OUTPUTS = new Float32Array(0);
const NO_TIMES = new Float64Array(0);
const NO_INDICES: readonly number[] = [];

export class PrecomputedOutputs {
  version: ServedVersion | null = null;
  firstAccepted = 0;
  count = 0;
  outputs: Float32Array = NO_OUTPUTS;
  /** Example of `outputs` that output 0 is. */
  firstExample = 0;
  timestampsMs: Float64Array = NO_TIMES;
  values: Float64Array = NO_TIMES;
  indices = NO_INDICES;
  /** Entry of `indices` that output 0 is for. */
  firstIndex = 0;

  /** Forgets the outputs (and the batch they point into). */
  clear(): void {
    this.version = null;
    this.count = 0;
    this.outputs = NO_OUTPUTS;
    this.timestampsMs = NO_TIMES;
    this.values = NO_TIMES;
    this.indices = NO_INDICES;
  }

  /** The example of `outputs` for this point, or -1 when none was computed for it. */
  exampleFor(version: ServedVersion, accepted: number, timestampMs: number, value: number): number {
    if (this.version !== version) return -1;
    const k = accepted - this.firstAccepted;
    if (k < 0 || k >= this.count) return -1;
    const i = this.indices[this.firstIndex + k]!;
    return this.timestampsMs[i] === timestampMs && this.values[i] === value ? this.firstExample + k : -1;
  }
}

/** Points of one series a batch computes ahead at most; later ones are judged one by one. */
const MAX_POINTS_AHEAD = 4096;

/** What predictAhead needs of a series' detector (model-detector.ts). */
export interface AheadSeries {
  readonly filled: number;
  readonly accepted: number;
  versionsNow(): readonly [ServedVersion | null, ServedVersion | null];
  precomputed(which: 0 | 1): PrecomputedOutputs;
  writeTail(length: number, out: Float32Array, offset: number): void;
}

/** Reusable arrays of one slot's batch work, grown to the largest batch. */
export class AheadScratch {
  inputs: Float32Array = new Float32Array(0);
  sequence: Float32Array = new Float32Array(0);
  /** Detectors given outputs in the last batch: cleared at the next, so no batch is kept longer. */
  touched: AheadSeries[] = [];
}

function ensure(array: Float32Array, length: number): Float32Array {
  return array.length >= length ? array : new Float32Array(Math.max(length, array.length * 2));
}

/**
 * Computes, in one forward pass per version, the outputs every point of the batch will be judged with: each series'
 * points in the order the partition visits them (time, then arrival), each with the window of values before it
 * (the series' held values, then its earlier points in the batch). `versions` are the slot's production and staging
 * versions. Points after a non-finite value, and points whose series holds too little history, are left to be judged
 * one by one, as is any point the detector ends up refusing (the outputs are keyed by what it accepted before).
 */
export function predictAhead(
  versions: readonly [ServedVersion | null, ServedVersion | null],
  seriesOf: (seriesId: number) => AheadSeries | undefined,
  scratch: AheadScratch,
  seriesIds: Uint32Array,
  timestampsMs: Float64Array,
  values: Float64Array,
): void {
  for (const series of scratch.touched) {
    series.precomputed(0).clear();
    series.precomputed(1).clear();
  }
  scratch.touched = [];
  const points = new Map<number, number[]>();
  const length = Math.min(seriesIds.length, timestampsMs.length, values.length);
  for (let i = 0; i < length; i++) {
    const id = seriesIds[i]!;
    let list = points.get(id);
    if (list === undefined) {
      if (seriesOf(id) === undefined) continue;
      list = [];
      points.set(id, list);
    }
    list.push(i);
  }
  const key = (i: number): number => (Number.isNaN(timestampsMs[i]!) ? Infinity : timestampsMs[i]!);
  for (const list of points.values()) {
    for (let k = 1; k < list.length; k++) {
      if (key(list[k]!) < key(list[k - 1]!)) {
        list.sort((a, b) => key(a) - key(b) || a - b);
        break;
      }
    }
    // A non-finite value is refused by the detector and cannot be a model input: stop there.
    let finite = 0;
    while (finite < list.length && finite < MAX_POINTS_AHEAD && Number.isFinite(values[list[finite]!]!)) finite++;
    list.length = finite;
  }
  const touched = new Set<AheadSeries>();
  versions.forEach((version, which) => {
    if (version === null || (which === 1 && version === versions[0])) return;
    const needed = version.historyNeeded;
    const window = version.window;
    // Pass 1: which points of which series, and how many examples.
    const jobs: { series: AheadSeries; list: number[]; first: number }[] = [];
    let examples = 0;
    for (const [id, list] of points) {
      const series = seriesOf(id)!;
      const [serving, shadow] = series.versionsNow();
      if (serving !== version && shadow !== version) continue;
      // Point k has filled + k values before it.
      const first = Math.max(0, needed - series.filled);
      if (first >= list.length) continue;
      jobs.push({ series, list, first });
      examples += list.length - first;
    }
    if (examples === 0) return;
    scratch.inputs = ensure(scratch.inputs, examples * window);
    const inputs = scratch.inputs;
    // Pass 2: each example's window, out of the series' held values and its points in the batch.
    let example = 0;
    for (const { series, list, first } of jobs) {
      const held = Math.min(series.filled, needed);
      scratch.sequence = ensure(scratch.sequence, held + list.length);
      const sequence = scratch.sequence;
      series.writeTail(held, sequence, 0);
      for (let k = 0; k < list.length; k++) sequence[held + k] = values[list[k]!]!;
      // Point k sits at held + k; its input is the `window` values from `needed` before it (the autoencoder's includes it).
      for (let k = first; k < list.length; k++) inputs.set(sequence.subarray(held + k - needed, held + k - needed + window), (example + k - first) * window);
      example += list.length - first;
    }
    const outputs = version.predict(inputs, examples);
    example = 0;
    for (const { series, list, first } of jobs) {
      const ahead = series.precomputed(which as 0 | 1);
      ahead.version = version;
      ahead.firstAccepted = series.accepted + first;
      ahead.count = list.length - first;
      ahead.outputs = outputs;
      ahead.firstExample = example;
      ahead.timestampsMs = timestampsMs;
      ahead.values = values;
      ahead.indices = list;
      ahead.firstIndex = first;
      example += list.length - first;
      touched.add(series);
    }
  });
  scratch.touched = [...touched];
}
