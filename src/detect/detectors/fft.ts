/**
 * FFT of real signals of one power-of-two size N, through an in-place complex FFT of N/2 points (the
 * even and odd samples packed as real and imaginary parts): about half the work of a complex FFT of N
 * points. A real signal's spectrum is Hermitian, so only bins 0..N/2 are kept. The only table is one
 * of N twiddle factors; the transforms work in the caller's arrays and allocate nothing.
 */
export class RealFft {
  /** cos and sin of 2πk/N for k < N/2, interleaved. */
  private readonly twiddles: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 4 || size > 65_536 || (size & (size - 1)) !== 0) {
      throw new Error(`cannot create real FFT: size must be a power of two in [4, 65536], got ${size}`);
    }
    this.twiddles = new Float64Array(size);
    for (let k = 0; k < size / 2; k++) {
      this.twiddles[2 * k] = Math.cos((2 * Math.PI * k) / size);
      this.twiddles[2 * k + 1] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** Bins 0..N/2 of the spectrum of the real signal `x` (N values) into `re` and `im` (N/2 + 1 values each). */
  forward(x: Float64Array, re: Float64Array, im: Float64Array): void {
    const m = this.size / 2;
    for (let j = 0; j < m; j++) {
      re[j] = x[2 * j]!;
      im[j] = x[2 * j + 1]!;
    }
    this.complex(re, im, -1);
    const tw = this.twiddles;
    // Z[k] and conj(Z[m - k]) split into the spectra of the even samples, E[k], and of the odd ones,
    // O[k]; then X[k] = E[k] + e^(-2πik/N) O[k]. Bins k and m - k are computed together, in place.
    const z0r = re[0]!;
    const z0i = im[0]!;
    re[0] = z0r + z0i;
    im[0] = 0;
    re[m] = z0r - z0i;
    im[m] = 0;
    for (let k = 1; k <= m / 2; k++) {
      const l = m - k;
      const ar = re[k]!;
      const ai = im[k]!;
      const br = re[l]!;
      const bi = im[l]!;
      const er = (ar + br) / 2;
      const ei = (ai - bi) / 2;
      const or = (ai + bi) / 2;
      const oi = (br - ar) / 2;
      const c = tw[2 * k]!;
      const s = tw[2 * k + 1]!;
      // e^(-2πik/N) O[k]; for bin l, E[l] = conj(E[k]), O[l] = conj(O[k]) and e^(-2πil/N) = -conj(e^(-2πik/N)).
      const tr = or * c + oi * s;
      const ti = oi * c - or * s;
      re[k] = er + tr;
      im[k] = ei + ti;
      re[l] = er - tr;
      im[l] = ti - ei;
    }
  }

  /** The real signal (N values, into `x`) whose spectrum has bins 0..N/2 `re` and `im` (Hermitian); overwrites `re` and `im`. */
  inverse(re: Float64Array, im: Float64Array, x: Float64Array): void {
    const m = this.size / 2;
    const tw = this.twiddles;
    // Undo the split: E[k] = (X[k] + conj(X[m - k])) / 2, O[k] = (X[k] - conj(X[m - k])) e^(2πik/N) / 2,
    // and Z[k] = E[k] + i O[k]; bins k and m - k together, in place.
    const x0 = re[0]!;
    const xm = re[m]!;
    re[0] = (x0 + xm) / 2;
    im[0] = (x0 - xm) / 2;
    for (let k = 1; k <= m / 2; k++) {
      const l = m - k;
      const ar = re[k]!;
      const ai = im[k]!;
      const br = re[l]!;
      const bi = im[l]!;
      const er = (ar + br) / 2;
      const ei = (ai - bi) / 2;
      const dr = (ar - br) / 2;
      const di = (ai + bi) / 2;
      const c = tw[2 * k]!;
      const s = tw[2 * k + 1]!;
      const or = dr * c - di * s;
      const oi = dr * s + di * c;
      re[k] = er - oi;
      im[k] = ei + or;
      // For bin l: E[l] = conj(E[k]) and O[l] = conj(O[k]).
      re[l] = er + oi;
      im[l] = or - ei;
    }
    this.complex(re, im, 1);
    const scale = 1 / m;
    for (let j = 0; j < m; j++) {
      x[2 * j] = re[j]! * scale;
      x[2 * j + 1] = im[j]! * scale;
    }
  }

  /**
   * Unscaled complex FFT of the first N/2 entries of `re` and `im`, in place: sign -1 forward, +1 the
   * inverse direction. Twiddles for N/2 points are every other one of the table's.
   */
  private complex(re: Float64Array, im: Float64Array, sign: number): void {
    const m = this.size / 2;
    const tw = this.twiddles;
    for (let i = 1, j = 0; i < m; i++) {
      let bit = m >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    for (let length = 2; length <= m; length <<= 1) {
      const half = length >> 1;
      // Angle 2πk/length is entry k·(N/length) of the table.
      const step = this.size / length;
      for (let start = 0; start < m; start += length) {
        for (let k = 0, t = 0; k < half; k++, t += step) {
          const wr = tw[2 * t]!;
          const wi = sign * tw[2 * t + 1]!;
          const a = start + k;
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          const ar = re[a]!;
          const ai = im[a]!;
          re[b] = ar - xr;
          im[b] = ai - xi;
          re[a] = ar + xr;
          im[a] = ai + xi;
        }
      }
    }
  }
}
