/** Seeded random numbers for tests: the same seed always yields the same series. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
