/**
 * Seeded initial weights, PyTorch's defaults: U(-1/sqrt(units), 1/sqrt(units)) for LSTM layers and
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for dense layers (weights and bias alike). Every model draws from one seeded
 * generator in a fixed order, so the same seed gives the same parameters on every run and machine.
 */

/** `length` values drawn uniformly from (-bound, bound). */
export function uniformValues(random: () => number, length: number, bound: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = (2 * random() - 1) * bound;
  return values;
}

/**
 * The four gate matrices (input, forget, cell, output) of one LSTM layer, each `[rows, units]` row-major with
 * `rows = inputSize + units + 1` (input, previous hidden state, bias). Drawn gate after gate: the order the tfjs
 * classifier has always used, so its weights (and DeepLog's benchmark results) do not change.
 */
export function lstmGateValues(random: () => number, inputSize: number, units: number): readonly Float32Array[] {
  const rows = inputSize + units + 1;
  const bound = 1 / Math.sqrt(units);
  return [0, 1, 2, 3].map(() => uniformValues(random, rows * units, bound));
}

/** Packs four `[rows, units]` gate matrices into the kernels' layout `[rows, 4 * units]`, column block k = gate k. */
export function packLstmGates(gates: readonly Float32Array[], rows: number, units: number): Float32Array {
  const packed = new Float32Array(rows * 4 * units);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 4; k++) packed.set(gates[k]!.subarray(r * units, (r + 1) * units), r * 4 * units + k * units);
  }
  return packed;
}

/** One LSTM layer's weights in the kernels' packed layout `[inputSize + units + 1, 4 * units]`. */
export function lstmWeightValues(random: () => number, inputSize: number, units: number): Float32Array {
  return packLstmGates(lstmGateValues(random, inputSize, units), inputSize + units + 1, units);
}

/** A dense layer with its bias folded in as the last row: `[fanIn + 1, fanOut]`. */
export function denseWeightValues(random: () => number, fanIn: number, fanOut: number): Float32Array {
  return uniformValues(random, (fanIn + 1) * fanOut, 1 / Math.sqrt(fanIn));
}
