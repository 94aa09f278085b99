import { checkLstmShape } from './lstm-kernel.js';
import type { LstmKernels, LstmShape, LstmWorkspace } from './lstm-kernel.js';

/**
 * The LSTM kernels in plain TypeScript: the reference the WebAssembly kernels are tested against, and the fallback
 * where WebAssembly is unavailable. Arithmetic is float64 (JavaScript's) with float64 saved state; only the
 * workspace's arrays are float32.
 */
export function jsLstmKernels(): LstmKernels {
  return { name: 'js', workspace: (shape) => new JsLstmWorkspace(shape) };
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

class JsLstmWorkspace implements LstmWorkspace {
  readonly x: Float32Array;
  readonly weights: Float32Array;
  readonly h: Float32Array;
  readonly dh: Float32Array;
  readonly dx: Float32Array;
  readonly dWeights: Float32Array;
  /** Gate activations after sigmoid/tanh, `[steps, batch, 4 units]`, gate-major within a row like the weights. */
  private readonly gates: Float64Array;
  /** Cell states and their tanh, `[steps, batch, units]`. */
  private readonly cells: Float64Array;
  private readonly tanhCells: Float64Array;
  /** One row's gate pre-activations in forward, one step's gate gradients `[batch, 4 units]` in backward. */
  private readonly gateSums: Float64Array;
  private readonly dGates: Float64Array;
  /** Gradients flowing from step t to t - 1, `[batch, units]`. */
  private readonly dhNext: Float64Array;
  private readonly dcNext: Float64Array;
  private readonly dWeightSums: Float64Array;
  private state: 'created' | 'forwarded' | 'disposed' = 'created';

  constructor(readonly shape: LstmShape) {
    checkLstmShape(shape);
    const { steps, batch, inputSize, units } = shape;
    const rows = steps * batch;
    const weightCount = (inputSize + units + 1) * 4 * units;
    this.x = new Float32Array(rows * inputSize);
    this.weights = new Float32Array(weightCount);
    this.h = new Float32Array(rows * units);
    this.dh = new Float32Array(rows * units);
    this.dx = new Float32Array(rows * inputSize);
    this.dWeights = new Float32Array(weightCount);
    this.gates = new Float64Array(rows * 4 * units);
    this.cells = new Float64Array(rows * units);
    this.tanhCells = new Float64Array(rows * units);
    this.gateSums = new Float64Array(4 * units);
    this.dGates = new Float64Array(batch * 4 * units);
    this.dhNext = new Float64Array(batch * units);
    this.dcNext = new Float64Array(batch * units);
    this.dWeightSums = new Float64Array(weightCount);
  }

  forward(): void {
    this.check('forward');
    const { steps, batch, inputSize: ni, units: nu } = this.shape;
    const ng = 4 * nu;
    const { x, weights: w, h, gates, cells, tanhCells, gateSums: sums } = this;
    const biasRow = (ni + nu) * ng;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b;
        for (let j = 0; j < ng; j++) sums[j] = w[biasRow + j]!;
        for (let k = 0; k < ni; k++) {
          const v = x[row * ni + k]!;
          const wRow = k * ng;
          for (let j = 0; j < ng; j++) sums[j] += v * w[wRow + j]!;
        }
        if (t > 0) {
          const hPrev = (row - batch) * nu;
          for (let u = 0; u < nu; u++) {
            const v = h[hPrev + u]!;
            const wRow = (ni + u) * ng;
            for (let j = 0; j < ng; j++) sums[j] += v * w[wRow + j]!;
          }
        }
        for (let u = 0; u < nu; u++) {
          const i = sigmoid(sums[u]!);
          const f = sigmoid(sums[nu + u]!);
          const g = Math.tanh(sums[2 * nu + u]!);
          const o = sigmoid(sums[3 * nu + u]!);
          const cPrev = t > 0 ? cells[(row - batch) * nu + u]! : 0;
          const c = f * cPrev + i * g;
          const tc = Math.tanh(c);
          const a = row * ng + u;
          gates[a] = i;
          gates[a + nu] = f;
          gates[a + 2 * nu] = g;
          gates[a + 3 * nu] = o;
          cells[row * nu + u] = c;
          tanhCells[row * nu + u] = tc;
          h[row * nu + u] = o * tc;
        }
      }
    }
    this.state = 'forwarded';
  }

  backward(): void {
    this.check('backward');
    if (this.state !== 'forwarded') throw new Error('cannot run LSTM backward: no forward has run on this workspace');
    const { steps, batch, inputSize: ni, units: nu } = this.shape;
    const ng = 4 * nu;
    const { x, weights: w, h, dh, dx, gates, cells, tanhCells, dGates, dhNext, dcNext, dWeightSums: dw } = this;
    const biasRow = (ni + nu) * ng;
    dw.fill(0);
    dhNext.fill(0);
    dcNext.fill(0);
    for (let t = steps - 1; t >= 0; t--) {
      // Gate gradients of every sequence first: dhNext/dcNext hold step t + 1's contribution until all are read.
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b;
        for (let u = 0; u < nu; u++) {
          const a = row * ng + u;
          const i = gates[a]!;
          const f = gates[a + nu]!;
          const g = gates[a + 2 * nu]!;
          const o = gates[a + 3 * nu]!;
          const tc = tanhCells[row * nu + u]!;
          const cPrev = t > 0 ? cells[(row - batch) * nu + u]! : 0;
          const dht = dh[row * nu + u]! + dhNext[b * nu + u]!;
          const dc = dht * o * (1 - tc * tc) + dcNext[b * nu + u]!;
          dcNext[b * nu + u] = dc * f;
          const d = b * ng + u;
          dGates[d] = dc * g * i * (1 - i);
          dGates[d + nu] = dc * cPrev * f * (1 - f);
          dGates[d + 2 * nu] = dc * i * (1 - g * g);
          dGates[d + 3 * nu] = dht * tc * o * (1 - o);
        }
      }
      for (let b = 0; b < batch; b++) {
        const row = t * batch + b;
        const d = b * ng;
        // dW += [x, h_{t-1}, 1]ᵀ · dGates
        for (let k = 0; k < ni; k++) {
          const v = x[row * ni + k]!;
          const wRow = k * ng;
          for (let j = 0; j < ng; j++) dw[wRow + j] += v * dGates[d + j]!;
        }
        if (t > 0) {
          for (let u = 0; u < nu; u++) {
            const v = h[(row - batch) * nu + u]!;
            const wRow = (ni + u) * ng;
            for (let j = 0; j < ng; j++) dw[wRow + j] += v * dGates[d + j]!;
          }
        }
        for (let j = 0; j < ng; j++) dw[biasRow + j] += dGates[d + j]!;
        // [dx, dh_{t-1}] = dGates · Wᵀ (the bias row has no input to pass a gradient to)
        for (let k = 0; k < ni; k++) {
          const wRow = k * ng;
          let sum = 0;
          for (let j = 0; j < ng; j++) sum += dGates[d + j]! * w[wRow + j]!;
          dx[row * ni + k] = sum;
        }
        if (t === 0) continue;
        for (let u = 0; u < nu; u++) {
          const wRow = (ni + u) * ng;
          let sum = 0;
          for (let j = 0; j < ng; j++) sum += dGates[d + j]! * w[wRow + j]!;
          dhNext[b * nu + u] = sum;
        }
      }
    }
    this.dWeights.set(dw);
  }

  dispose(): void {
    this.state = 'disposed';
  }

  private check(verb: 'forward' | 'backward'): void {
    if (this.state === 'disposed') throw new Error(`cannot run LSTM ${verb}: the workspace was disposed`);
  }
}
