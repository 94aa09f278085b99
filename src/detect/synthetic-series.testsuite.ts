import { seededRandom } from '../util/index.js';

/** Seeded uniforms for tests, re-exported where the other synthetic-series helpers are. */
export { seededRandom };

/** Standard normal samples (Box-Muller) from a seeded source. */
export function seededGaussian(seed: number): () => number {
  const random = seededRandom(seed);
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** `length` points `stepMs` apart from `startMs`, value = f(timestampMs, index). */
export function makeSeries(length: number, startMs: number, stepMs: number, f: (timestampMs: number, index: number) => number): { timestampsMs: Float64Array; values: Float64Array } {
  const timestampsMs = new Float64Array(length);
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    timestampsMs[i] = startMs + i * stepMs;
    values[i] = f(timestampsMs[i]!, i);
  }
  return { timestampsMs, values };
}
