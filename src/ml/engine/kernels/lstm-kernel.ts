/** Sizes of one LSTM layer run over a batch of sequences. */
export interface LstmShape {
  /** Time steps per sequence. */
  readonly steps: number;
  /** Sequences in the batch. */
  readonly batch: number;
  /** Features of each step's input. */
  readonly inputSize: number;
  /** Hidden units. */
  readonly units: number;
}

/**
 * Buffers and kernels of one LSTM layer for one shape. Time-major layouts; gates in PyTorch's order (input, forget,
 * cell, output). The weights are one matrix `[inputSize + units + 1, 4 * units]`: rows for the step's input, then the
 * previous hidden state, then a constant 1 (the bias row); column block k holds gate k. Initial hidden and cell
 * states are zero. The buffers are owned by the workspace (for the wasm kernels they live in WebAssembly memory, so
 * callers write inputs into them and read results from them; no copies in or out). Each array stays the same, valid
 * object from creation until `dispose()`, so callers may keep references to them; after `dispose()` they must not be
 * touched (the wasm kernels hand the memory to the next workspace).
 */
export interface LstmWorkspace {
  readonly shape: LstmShape;
  /** In: `[steps, batch, inputSize]`. */
  readonly x: Float32Array;
  /** In: `[inputSize + units + 1, 4 * units]`. */
  readonly weights: Float32Array;
  /** Out of forward: hidden states `[steps, batch, units]`. */
  readonly h: Float32Array;
  /** In to backward: gradient of the loss with respect to every hidden state, `[steps, batch, units]`. */
  readonly dh: Float32Array;
  /** Out of backward: gradient with respect to the input, `[steps, batch, inputSize]`. */
  readonly dx: Float32Array;
  /** Out of backward: gradient with respect to the weights, same layout as `weights` (overwritten, not added to). */
  readonly dWeights: Float32Array;
  /** Fills `h` (and the saved state backward needs) from `x` and `weights`. */
  forward(): void;
  /** Back-propagation through time from `dh`, after a forward on the same `x` and `weights`: fills `dx` and `dWeights`. */
  backward(): void;
  /** Releases the buffers; the workspace cannot be used afterwards. */
  dispose(): void;
}

/** An implementation of the LSTM kernels: WebAssembly SIMD, or plain TypeScript as reference and fallback. */
export interface LstmKernels {
  readonly name: LstmKernelsName;
  workspace(shape: LstmShape): LstmWorkspace;
}

export type LstmKernelsName = 'wasm-simd' | 'js';

/** Every implementation's shape check: positive integers, inputSize included (an LSTM without input is a bug). */
export function checkLstmShape(shape: LstmShape): void {
  for (const key of ['steps', 'batch', 'inputSize', 'units'] as const) {
    const value = shape[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`cannot create LSTM workspace: ${key} must be a positive integer, got ${String(value)}`);
    }
  }
}
