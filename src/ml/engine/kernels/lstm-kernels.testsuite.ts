import { beforeAll, describe, expect, it } from 'vitest';
import type { LstmKernels, LstmShape, LstmWorkspace } from './lstm-kernel.js';

/** A small seeded generator (LCG) so every run sees the same numbers. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** Fills a workspace's inputs with reproducible values: x and dh in [-1, 1), weights scaled so gates do not saturate. */
export function fillInputs(ws: LstmWorkspace, seed: number): void {
  const random = seededUniform(seed);
  for (let i = 0; i < ws.x.length; i++) ws.x[i] = random();
  const scale = 1.5 / Math.sqrt(ws.shape.units + ws.shape.inputSize);
  for (let i = 0; i < ws.weights.length; i++) ws.weights[i] = random() * scale;
  for (let i = 0; i < ws.dh.length; i++) ws.dh[i] = random();
}

/** Whether two float arrays hold the same bits (fast where `toEqual` walks element by element). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** max |a - b| / max |b|: the error relative to the magnitude of the expected values. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The LSTM forward pass in float64, written out plainly: the ground truth for values and finite differences. */
function referenceH(shape: LstmShape, x: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const { steps, batch, inputSize: ni, units: nu } = shape;
  const ng = 4 * nu;
  const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
  const h = new Float64Array(steps * batch * nu);
  const c = new Float64Array(batch * nu);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const row = t * batch + b;
      const gate = (k: number, u: number): number => {
        let sum = w[(ni + nu) * ng + k * nu + u]!;
        for (let i = 0; i < ni; i++) sum += x[row * ni + i]! * w[i * ng + k * nu + u]!;
        if (t > 0) for (let v = 0; v < nu; v++) sum += h[(row - batch) * nu + v]! * w[(ni + v) * ng + k * nu + u]!;
        return sum;
      };
      const next = new Float64Array(nu);
      for (let u = 0; u < nu; u++) {
        const cell = sigmoid(gate(1, u)) * c[b * nu + u]! + sigmoid(gate(0, u)) * Math.tanh(gate(2, u));
        next[u] = cell;
        h[row * nu + u] = sigmoid(gate(3, u)) * Math.tanh(cell);
      }
      c.set(next, b * nu);
    }
  }
  return h;
}

/** loss = Σ dh ⊙ h, whose gradient backward computes. */
function referenceLoss(shape: LstmShape, x: ArrayLike<number>, w: ArrayLike<number>, dh: ArrayLike<number>): number {
  const h = referenceH(shape, x, w);
  let loss = 0;
  for (let i = 0; i < h.length; i++) loss += dh[i]! * h[i]!;
  return loss;
}

/** Central differences of the reference loss with respect to every element of `of` (x or the weights). */
function numericGradient(shape: LstmShape, x: Float64Array, w: Float64Array, dh: Float64Array, of: Float64Array): Float64Array {
  const eps = 1e-6;
  const grad = new Float64Array(of.length);
  for (let i = 0; i < of.length; i++) {
    const keep = of[i]!;
    of[i] = keep + eps;
    const up = referenceLoss(shape, x, w, dh);
    of[i] = keep - eps;
    const down = referenceLoss(shape, x, w, dh);
    of[i] = keep;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

/** Shapes for the value and gradient checks: batch 1, steps 1, units that are and are not multiples of 4. */
const SMALL_SHAPES: readonly LstmShape[] = [
  { steps: 1, batch: 1, inputSize: 1, units: 1 },
  { steps: 1, batch: 3, inputSize: 2, units: 4 },
  { steps: 4, batch: 1, inputSize: 1, units: 5 },
  { steps: 3, batch: 2, inputSize: 3, units: 3 },
  { steps: 5, batch: 3, inputSize: 2, units: 6 },
  { steps: 3, batch: 5, inputSize: 1, units: 8 },
  { steps: 2, batch: 2, inputSize: 5, units: 7 },
  { steps: 6, batch: 4, inputSize: 4, units: 2 },
];

function randomShapes(count: number, seed: number): LstmShape[] {
  const random = seededUniform(seed);
  const int = (max: number): number => 1 + Math.floor(((random() + 1) / 2) * max);
  return Array.from({ length: count }, () => ({ steps: int(6), batch: int(5), inputSize: int(4), units: int(9) }));
}

function name(shape: LstmShape): string {
  return `steps ${shape.steps}, batch ${shape.batch}, input ${shape.inputSize}, units ${shape.units}`;
}

/**
 * The behaviour every LstmKernels implementation must show: exact small cases, agreement with a float64 reference
 * and with finite differences of it, determinism, memory reuse and clear errors. `load` is called once.
 */
export function runLstmKernelsSuite(label: string, load: () => Promise<LstmKernels>): void {
  describe(`LstmKernels suite: ${label}`, () => {
    let kernels: LstmKernels;
    beforeAll(async () => {
      kernels = await load();
    });

    it('computes one step of one unit as worked out by hand', () => {
      const ws = kernels.workspace({ steps: 1, batch: 1, inputSize: 1, units: 1 });
      ws.x[0] = 0.5;
      // Rows: input, previous hidden state (h_{-1} = 0, so its weights must not matter), bias; gates i, f, g, o.
      ws.weights.set([0.1, 0.2, 0.3, 0.4, 9, 9, 9, 9, 0.05, -0.1, 0.2, -0.3]);
      ws.forward();
      // Pre-activations i 0.1, f 0, g 0.35, o -0.1; c = σ(0.1) tanh(0.35) = 0.52497919 · 0.33637554 = 0.17659016;
      // h = σ(-0.1) tanh(c) = 0.47502081 · 0.17477717.
      expect(ws.h[0]).toBeCloseTo(0.0830227935, 7);
      ws.dh[0] = 1;
      ws.backward();
      // dc = o (1 - tanh²c); pre-activation gradients: i dc·g·i(1-i), f 0 (c_{-1} = 0), g dc·i(1-g²), o tanh(c)·o(1-o).
      const [di, dg, dOut] = [0.0386294486, 0.2144037408, 0.0435852387];
      const expected = [0.5 * di, 0, 0.5 * dg, 0.5 * dOut, 0, 0, 0, 0, di, 0, dg, dOut];
      for (let i = 0; i < expected.length; i++) expect(ws.dWeights[i]).toBeCloseTo(expected[i]!, 7);
      // dx = Σ_gates dGate · W_x
      expect(ws.dx[0]).toBeCloseTo(0.1 * di + 0.3 * dg + 0.4 * dOut, 7);
      ws.dispose();
    });

    it('carries the cell state through the forget gate', () => {
      const ws = kernels.workspace({ steps: 2, batch: 1, inputSize: 1, units: 1 });
      ws.x.set([1, 0]);
      // Input weights only on the input and cell gates, large forget bias, no recurrence: step 2 keeps σ(4)·c1.
      ws.weights.set([3, 0, 2, 0, 0, 0, 0, 0, 0, 4, 0, 0]);
      ws.forward();
      const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
      const c1 = sigmoid(3) * Math.tanh(2);
      const c2 = sigmoid(4) * c1 + 0.5 * 0;
      expect(ws.h[0]).toBeCloseTo(0.5 * Math.tanh(c1), 6);
      expect(ws.h[1]).toBeCloseTo(0.5 * Math.tanh(c2), 6);
      ws.dispose();
    });

    it('matches a float64 reference forward', () => {
      for (const shape of [...SMALL_SHAPES, ...randomShapes(8, 7), { steps: 12, batch: 9, inputSize: 3, units: 13 }]) {
        const ws = kernels.workspace(shape);
        fillInputs(ws, 11);
        ws.forward();
        const expected = referenceH(shape, ws.x, ws.weights);
        // float32 storage and ~3-ulp sigmoid/tanh: about 1e-7 in practice.
        expect(relativeError(ws.h, expected), name(shape)).toBeLessThan(2e-6);
        ws.dispose();
      }
    });

    it('back-propagates the gradients that central differences of the reference give', () => {
      for (const shape of [...SMALL_SHAPES, ...randomShapes(6, 3)]) {
        const ws = kernels.workspace(shape);
        fillInputs(ws, 5);
        ws.forward();
        ws.backward();
        const x = Float64Array.from(ws.x);
        const w = Float64Array.from(ws.weights);
        const dh = Float64Array.from(ws.dh);
        const dWeights = numericGradient(shape, x, w, dh, w);
        const dx = numericGradient(shape, x, w, dh, x);
        // About 2e-7 in practice; a 0.1% error in one gate's gradient shows as 1e-4.
        expect(relativeError(ws.dWeights, dWeights), `dWeights, ${name(shape)}`).toBeLessThan(1e-5);
        expect(relativeError(ws.dx, dx), `dx, ${name(shape)}`).toBeLessThan(1e-5);
        ws.dispose();
      }
    });

    it('returns bitwise the same outputs for the same inputs, across calls and workspaces', () => {
      const shape = { steps: 9, batch: 7, inputSize: 3, units: 11 };
      const run = (ws: LstmWorkspace): Float32Array[] => {
        ws.forward();
        ws.backward();
        return [ws.h.slice(), ws.dx.slice(), ws.dWeights.slice()];
      };
      const a = kernels.workspace(shape);
      fillInputs(a, 21);
      const first = run(a);
      // A second backward overwrites dWeights and dx rather than adding to them.
      const again = run(a);
      const b = kernels.workspace(shape);
      fillInputs(b, 21);
      const other = run(b);
      for (let i = 0; i < first.length; i++) {
        expect(sameBits(again[i]!, first[i]!)).toBe(true);
        expect(sameBits(other[i]!, first[i]!)).toBe(true);
      }
      a.dispose();
      b.dispose();
    });

    it('creates and disposes many workspaces, each starting from zeros and computing the same results', () => {
      const shapes = [
        { steps: 8, batch: 4, inputSize: 2, units: 9 },
        { steps: 30, batch: 16, inputSize: 4, units: 32 },
        { steps: 3, batch: 1, inputSize: 1, units: 3 },
      ];
      const expected = shapes.map((shape) => {
        const ws = kernels.workspace(shape);
        fillInputs(ws, 9);
        ws.forward();
        ws.backward();
        const out = [ws.h.slice(), ws.dWeights.slice()];
        ws.dispose();
        return out;
      });
      for (let round = 0; round < 60; round++) {
        const i = round % shapes.length;
        const ws = kernels.workspace(shapes[i]!);
        for (const array of [ws.x, ws.weights, ws.h, ws.dh, ws.dx, ws.dWeights]) {
          expect(sameBits(array, new Float32Array(array.length))).toBe(true);
        }
        fillInputs(ws, 9);
        ws.forward();
        ws.backward();
        expect(sameBits(ws.h, expected[i]![0]!)).toBe(true);
        expect(sameBits(ws.dWeights, expected[i]![1]!)).toBe(true);
        ws.dispose();
      }
    });

    it('keeps its arrays valid while other workspaces come and go', () => {
      const shape = { steps: 5, batch: 3, inputSize: 2, units: 6 };
      const ws = kernels.workspace(shape);
      const { x, h } = ws;
      fillInputs(ws, 4);
      // Larger workspaces created meanwhile must not move or detach this one's buffers.
      for (let i = 1; i <= 4; i++) kernels.workspace({ steps: 40 * i, batch: 32, inputSize: 4, units: 64 }).dispose();
      expect(x.length).toBe(30);
      ws.forward();
      expect(h).toBe(ws.h);
      expect(relativeError(h, referenceH(shape, x, ws.weights))).toBeLessThan(1e-5);
      ws.dispose();
    });

    it('passes NaN through rather than clamping it away, and only to the sequence it came from', () => {
      const shape = { steps: 3, batch: 2, inputSize: 2, units: 5 };
      const ws = kernels.workspace(shape);
      fillInputs(ws, 8);
      ws.x[0] = Number.NaN;
      ws.forward();
      for (let t = 0; t < shape.steps; t++) {
        for (let u = 0; u < shape.units; u++) {
          expect(ws.h[(t * 2 + 0) * shape.units + u]).toBeNaN();
          expect(Number.isFinite(ws.h[(t * 2 + 1) * shape.units + u])).toBe(true);
        }
      }
      ws.dispose();
    });

    it('rejects shapes that are not positive integers, naming the field', () => {
      const good = { steps: 2, batch: 2, inputSize: 1, units: 3 };
      expect(() => kernels.workspace({ ...good, units: 0 })).toThrow(
        'cannot create LSTM workspace: units must be a positive integer, got 0',
      );
      expect(() => kernels.workspace({ ...good, inputSize: 0 })).toThrow('inputSize must be a positive integer');
      expect(() => kernels.workspace({ ...good, batch: 1.5 })).toThrow('batch must be a positive integer, got 1.5');
      expect(() => kernels.workspace({ ...good, steps: Number.NaN })).toThrow('steps must be a positive integer, got NaN');
    });

    it('refuses backward before forward, and any use after dispose', () => {
      const ws = kernels.workspace({ steps: 2, batch: 2, inputSize: 1, units: 3 });
      expect(() => ws.backward()).toThrow('cannot run LSTM backward: no forward has run on this workspace');
      ws.dispose();
      ws.dispose();
      expect(() => ws.forward()).toThrow('cannot run LSTM forward: the workspace was disposed');
      expect(() => ws.backward()).toThrow('cannot run LSTM backward: the workspace was disposed');
    });
  });
}
