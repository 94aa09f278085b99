import { describe, expect, it } from 'vitest';
import { seededGaussian } from '../synthetic-series.testsuite.js';
import { RealFft } from './fft.js';

/** The DFT by its definition, O(n²). */
function naiveDft(x: ArrayLike<number>): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      sr += x[t]! * Math.cos((-2 * Math.PI * k * t) / n);
      si += x[t]! * Math.sin((-2 * Math.PI * k * t) / n);
    }
    re.push(sr);
    im.push(si);
  }
  return { re, im };
}

function randomSignal(n: number, seed: number): Float64Array {
  const noise = seededGaussian(seed);
  return Float64Array.from({ length: n }, () => noise());
}

describe('RealFft', () => {
  it('refuses a size that is not a power of two', () => {
    expect(() => new RealFft(48)).toThrow('cannot create real FFT: size must be a power of two in [4, 65536], got 48');
    expect(() => new RealFft(2)).toThrow(/got 2/);
  });

  for (const size of [4, 8, 16, 128]) {
    it(`gives bins 0..n/2 of the DFT of a real signal and inverts them (size ${size})`, () => {
      const x = randomSignal(size, 100 + size);
      const expected = naiveDft(x);
      const re = new Float64Array(size / 2 + 1);
      const im = new Float64Array(size / 2 + 1);
      const fft = new RealFft(size);
      fft.forward(x, re, im);
      for (let k = 0; k <= size / 2; k++) {
        expect(re[k]).toBeCloseTo(expected.re[k]!, 9);
        expect(im[k]).toBeCloseTo(expected.im[k]!, 9);
      }
      const back = new Float64Array(size);
      fft.inverse(re, im, back);
      for (let t = 0; t < size; t++) expect(back[t]).toBeCloseTo(x[t]!, 12);
    });
  }
});
