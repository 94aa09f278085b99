/**
 * In-place iterative radix-2 FFT of one fixed power-of-two size. The twiddle factors and the
 * bit-reversal permutation are computed once per instance, so a transform allocates nothing.
 */
export class Fft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint16Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 2 || size > 65_536 || (size & (size - 1)) !== 0) {
      throw new Error(`cannot create FFT: size must be a power of two in [2, 65536], got ${size}`);
    }
    const half = size / 2;
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.reversed = new Uint16Array(size);
    const bits = Math.log2(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
  }

  /** X[k] = sum_n x[n] e^(-2 pi i k n / N), in place. */
  forward(re: Float64Array, im: Float64Array): void {
    this.transform(re, im);
  }

  /** x[n] = (1/N) sum_k X[k] e^(+2 pi i k n / N), in place: the conjugate of the forward transform of the conjugate. */
  inverse(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    for (let i = 0; i < n; i++) im[i] = -im[i]!;
    this.transform(re, im);
    const scale = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! * scale;
      im[i] = -im[i]! * scale;
    }
  }

  private transform(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    const reversed = this.reversed;
    const cos = this.cos;
    const sin = this.sin;
    for (let i = 0; i < n; i++) {
      const j = reversed[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    for (let length = 2, step = n >> 1; length <= n; length <<= 1, step >>= 1) {
      const half = length >> 1;
      for (let start = 0; start < n; start += length) {
        for (let k = 0, t = 0; k < half; k++, t += step) {
          const wr = cos[t]!;
          const wi = -sin[t]!;
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

/**
 * FFT of real signals of one power-of-two size N through a complex FFT of N/2 points (the even and odd
 * samples packed as real and imaginary parts), about half the work of a complex FFT of N points. A real
 * signal's spectrum is Hermitian, so only bins 0..N/2 are kept.
 */
export class RealFft {
  private readonly half: Fft;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 4 || size > 65_536 || (size & (size - 1)) !== 0) {
      throw new Error(`cannot create real FFT: size must be a power of two in [4, 65536], got ${size}`);
    }
    const m = size / 2;
    this.half = new Fft(m);
    this.cos = new Float64Array(m);
    this.sin = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.workRe = new Float64Array(m);
    this.workIm = new Float64Array(m);
  }

  /** Bins 0..N/2 of the spectrum of the real signal `x` (N values) into `re` and `im` (N/2 + 1 values each). */
  forward(x: Float64Array, re: Float64Array, im: Float64Array): void {
    const m = this.size / 2;
    const zr = this.workRe;
    const zi = this.workIm;
    for (let j = 0; j < m; j++) {
      zr[j] = x[2 * j]!;
      zi[j] = x[2 * j + 1]!;
    }
    this.half.forward(zr, zi);
    for (let k = 0; k <= m; k++) {
      // Z[k] and conj(Z[m - k]) split into the spectra of the even samples (E) and the odd ones (O).
      const a = k === m ? 0 : k;
      const b = k === 0 ? 0 : m - k;
      const er = (zr[a]! + zr[b]!) / 2;
      const ei = (zi[a]! - zi[b]!) / 2;
      const or = (zi[a]! + zi[b]!) / 2;
      const oi = -(zr[a]! - zr[b]!) / 2;
      // X[k] = E[k] + e^(-2 pi i k / N) O[k]
      const c = k === m ? -1 : this.cos[k]!;
      const s = k === m ? 0 : this.sin[k]!;
      re[k] = er + or * c + oi * s;
      im[k] = ei + oi * c - or * s;
    }
  }

  /** The real signal (N values, into `x`) whose spectrum has bins 0..N/2 `re` and `im` (Hermitian). */
  inverse(re: Float64Array, im: Float64Array, x: Float64Array): void {
    const m = this.size / 2;
    const zr = this.workRe;
    const zi = this.workIm;
    for (let k = 0; k < m; k++) {
      // E[k] = (X[k] + conj(X[m - k])) / 2, O[k] = (X[k] - conj(X[m - k])) e^(2 pi i k / N) / 2, Z[k] = E[k] + i O[k].
      const b = m - k;
      const er = (re[k]! + re[b]!) / 2;
      const ei = (im[k]! - im[b]!) / 2;
      const dr = (re[k]! - re[b]!) / 2;
      const di = (im[k]! + im[b]!) / 2;
      const c = this.cos[k]!;
      const s = this.sin[k]!;
      const or = dr * c - di * s;
      const oi = dr * s + di * c;
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.half.inverse(zr, zi);
    for (let j = 0; j < m; j++) {
      x[2 * j] = zr[j]!;
      x[2 * j + 1] = zi[j]!;
    }
  }
}
