import type { Batch, ModelConfig } from '../engine/model.js';

/**
 * Training examples as two flat row-major arrays, backed by a SharedArrayBuffer so every rank of a threads group reads
 * the same memory instead of a copy. Example i's input is `inputs[i * inputLength, (i + 1) * inputLength)`.
 */
export interface Examples {
  readonly count: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
}

/** A table of aligned numeric columns (one per series or CSV column), NaN where a value is missing. */
export interface DataTable {
  readonly columns: readonly string[];
  /** Row-major `[rows, columns]`. */
  readonly values: Float64Array;
  readonly rows: number;
  /** Time of each row when the source has one (Unix ms), for the registry's training range. */
  readonly timestampsMs?: Float64Array;
}

/** Template-id sequences (one per session or log stream), the input of DeepLog. */
export interface Sequences {
  readonly sequences: readonly Int32Array[];
}

export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, length) * Float32Array.BYTES_PER_ELEMENT), 0, length);
}

function allocate(count: number, inputLength: number, targetLength: number): Examples {
  return { count, inputLength, targetLength, inputs: sharedFloat32(count * inputLength), targets: sharedFloat32(count * targetLength) };
}

/** `incomplete[r]` = rows before r that miss a value in some column, so a window's completeness is one subtraction. */
function incompleteRowsBefore(table: DataTable): Int32Array {
  const width = table.columns.length;
  const counts = new Int32Array(table.rows + 1);
  for (let r = 0; r < table.rows; r++) {
    let missing = 0;
    for (let c = 0; c < width; c++) if (Number.isNaN(table.values[r * width + c]!)) missing = 1;
    counts[r + 1] = counts[r]! + missing;
  }
  return counts;
}

/**
 * Sliding windows (stride 1) over a table, skipping any window with a missing value: forecaster examples are `window`
 * rows of every column and the next `horizon` values of column 0; autoencoder examples reconstruct their own rows.
 */
export function windowExamples(table: DataTable, window: number, horizon: number, reconstruct: boolean): Examples {
  const width = table.columns.length;
  const span = window + (reconstruct ? 0 : horizon);
  const incomplete = incompleteRowsBefore(table);
  const starts: number[] = [];
  for (let start = 0; start + span <= table.rows; start++) if (incomplete[start + span] === incomplete[start]) starts.push(start);
  const inputLength = window * width;
  const targetLength = reconstruct ? inputLength : horizon;
  const examples = allocate(starts.length, inputLength, targetLength);
  starts.forEach((start, i) => {
    for (let k = 0; k < inputLength; k++) examples.inputs[i * inputLength + k] = table.values[start * width + k]!;
    if (reconstruct) examples.targets.set(examples.inputs.subarray(i * inputLength, (i + 1) * inputLength), i * targetLength);
    else for (let h = 0; h < horizon; h++) examples.targets[i * horizon + h] = table.values[(start + window + h) * width]!;
  });
  return examples;
}

/** Every window of `window` ids followed by the next id, over every sequence. */
export function sequenceExamples(data: Sequences, window: number): Examples {
  let count = 0;
  for (const s of data.sequences) count += Math.max(0, s.length - window);
  const examples = allocate(count, window, 1);
  let i = 0;
  for (const s of data.sequences) {
    for (let start = 0; start + window < s.length; start++, i++) {
      for (let k = 0; k < window; k++) examples.inputs[i * window + k] = s[start + k]!;
      examples.targets[i] = s[start + window]!;
    }
  }
  return examples;
}

/** The examples a model of this configuration trains on, from a table (metric kinds) or sequences (deeplog). */
export function examplesFor(config: ModelConfig, data: DataTable | Sequences): Examples {
  const isTable = 'columns' in data;
  if (config.kind === 'deeplog') {
    if (isTable) throw new Error('cannot build examples for deeplog: it trains on template-id sequences, not a table of series');
    return sequenceExamples(data, config.window);
  }
  if (!isTable) throw new Error(`cannot build examples for ${config.kind}: it trains on a table of series, not template-id sequences`);
  if (config.features !== data.columns.length) throw new Error(`cannot build examples for ${config.kind}: the model takes ${config.features} features, the data has ${data.columns.length} columns (${data.columns.join(', ')})`);
  if (config.kind === 'lstm-forecaster') return windowExamples(data, config.window, config.horizon, false);
  if (config.kind === 'lstm-autoencoder') return windowExamples(data, config.window, 0, true);
  return windowExamples(data, 1, 0, true);
}

/** Per-column mean and standard deviation (1 where a column is constant), ignoring missing values. */
export function columnStatistics(table: DataTable): { center: number[]; scale: number[] } {
  const width = table.columns.length;
  const center: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < width; c++) {
    let n = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let r = 0; r < table.rows; r++) {
      const v = table.values[r * width + c]!;
      if (Number.isNaN(v)) continue;
      n++;
      sum += v;
      sumSquares += v * v;
    }
    const mean = n > 0 ? sum / n : 0;
    const sd = n > 1 ? Math.sqrt(Math.max(0, sumSquares / n - mean * mean)) : 0;
    center.push(mean);
    scale.push(sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1);
  }
  return { center, scale };
}

/** Examples [start, end) as views (no copy). */
export function sliceExamples(examples: Examples, start: number, end: number): Examples {
  return {
    count: end - start,
    inputLength: examples.inputLength,
    targetLength: examples.targetLength,
    inputs: examples.inputs.subarray(start * examples.inputLength, end * examples.inputLength),
    targets: examples.targets.subarray(start * examples.targetLength, end * examples.targetLength),
  };
}

/** Copies the examples at `indices` into a reusable batch's arrays. */
export function gatherBatch(examples: Examples, indices: ArrayLike<number>, inputs: Float32Array, targets: Float32Array): Batch {
  const { inputLength, targetLength } = examples;
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]!;
    inputs.set(examples.inputs.subarray(i * inputLength, (i + 1) * inputLength), b * inputLength);
    targets.set(examples.targets.subarray(i * targetLength, (i + 1) * targetLength), b * targetLength);
  }
  return { size: indices.length, inputs: inputs.subarray(0, indices.length * inputLength), targets: targets.subarray(0, indices.length * targetLength) };
}
