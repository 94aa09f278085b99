/** Per-feature normalisation `(value - center) / scale`, kept as float64 so encoding and decoding agree exactly. */
export interface Normalizer {
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

export function normalizer(normalization: { readonly center: readonly number[]; readonly scale: readonly number[] }): Normalizer {
  return { center: Float64Array.from(normalization.center), scale: Float64Array.from(normalization.scale) };
}

/** Normalises raw example-major values `[size, steps, features]` into time-major `out[steps, size, features]`, the kernels' layout. */
export function normalizeTimeMajor(values: Float32Array, size: number, steps: number, norm: Normalizer, out: Float32Array): void {
  const features = norm.center.length;
  for (let b = 0; b < size; b++) {
    for (let t = 0; t < steps; t++) {
      const from = (b * steps + t) * features;
      const to = (t * size + b) * features;
      for (let f = 0; f < features; f++) {
        out[to + f] = (values[from + f]! - norm.center[f]!) / norm.scale[f]!;
      }
    }
  }
}

/** Maps time-major normalised values `[steps, size, features]` back to raw example-major `out[size, steps, features]`. */
export function denormalizeExampleMajor(values: Float32Array, size: number, steps: number, norm: Normalizer, out: Float32Array): void {
  const features = norm.center.length;
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < size; b++) {
      const from = (t * size + b) * features;
      const to = (b * steps + t) * features;
      for (let f = 0; f < features; f++) out[to + f] = values[from + f]! * norm.scale[f]! + norm.center[f]!;
    }
  }
}

/** "step 7, feature 1" for value `k` of one example laid out `[steps, features]`. */
export function locateStepFeature(k: number, steps: number, features: number): string {
  if (features === 1) return `step ${k}`;
  if (steps === 1) return `feature ${k}`;
  return `step ${Math.floor(k / features)}, feature ${k % features}`;
}
