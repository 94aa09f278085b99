/**
 * A dense layer on plain arrays, weights `[inputSize + 1, outputSize]` with the bias as the last row (the LSTM
 * kernels' convention). For the small heads of the LSTM models a loop beats a round trip through a tensor library.
 */

/** `out[r, j] = bias[j] + sum_i x[r, i] * w[i, j]` for `rows` rows. */
export function denseForward(x: Float32Array, rows: number, inputSize: number, w: Float32Array, outputSize: number, out: Float32Array): void {
  const biasRow = inputSize * outputSize;
  for (let r = 0; r < rows; r++) {
    const o = r * outputSize;
    for (let j = 0; j < outputSize; j++) out[o + j] = w[biasRow + j]!;
    for (let i = 0; i < inputSize; i++) {
      const xi = x[r * inputSize + i]!;
      if (xi === 0) continue;
      const wi = i * outputSize;
      for (let j = 0; j < outputSize; j++) out[o + j] += xi * w[wi + j]!;
    }
  }
}

/**
 * Gradients from `dOut[rows, outputSize]`: `dW` is overwritten; `dx[rows, inputSize]` is overwritten when given.
 */
export function denseBackward(
  x: Float32Array,
  rows: number,
  inputSize: number,
  w: Float32Array,
  outputSize: number,
  dOut: Float32Array,
  dW: Float32Array,
  dx: Float32Array | undefined,
): void {
  const biasRow = inputSize * outputSize;
  dW.fill(0, 0, (inputSize + 1) * outputSize);
  for (let r = 0; r < rows; r++) {
    const o = r * outputSize;
    for (let j = 0; j < outputSize; j++) dW[biasRow + j] += dOut[o + j]!;
    for (let i = 0; i < inputSize; i++) {
      const xi = x[r * inputSize + i]!;
      const wi = i * outputSize;
      let sum = 0;
      for (let j = 0; j < outputSize; j++) {
        const d = dOut[o + j]!;
        dW[wi + j] += xi * d;
        sum += d * w[wi + j]!;
      }
      if (dx !== undefined) dx[r * inputSize + i] = sum;
    }
  }
}
