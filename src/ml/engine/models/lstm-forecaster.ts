import { seededRandom } from '../../../util/index.js';
import { denseWeightValues, lstmWeightValues } from '../init.js';
import type { LstmKernels } from '../kernels/lstm-kernel.js';
import type { Batch, LstmForecasterConfig, ParameterTensor, TrainableModel } from '../model.js';
import { denseBackward, denseForward } from './dense.js';
import { locateStepFeature, normalizeTimeMajor, normalizer } from './encode.js';
import type { Normalizer } from './encode.js';
import { LstmStack } from './lstm-stack.js';
import { atLeast, ModelBase, parameter } from './model-base.js';

/**
 * Multi-step quantile forecaster on the LSTM kernels: normalised inputs through stacked LSTM layers, the top layer's
 * last hidden state through a dense head `[units + 1, horizon * quantiles]` (output j = step * quantiles + q), pinball
 * loss against feature 0's next values normalised with feature 0's center and scale.
 */
class LstmForecaster extends ModelBase<LstmForecasterConfig> {
  private readonly stack: LstmStack;
  private readonly head: ParameterTensor;
  private readonly norm: Normalizer;
  private readonly taus: Float64Array;
  /** Head outputs and their gradient `[batch, horizon * quantiles]`; the top layer's last hidden state's gradient. */
  private out = new Float32Array(0);
  private dOut = new Float32Array(0);
  private dLast = new Float32Array(0);

  constructor(kernels: LstmKernels, config: LstmForecasterConfig) {
    const { window, horizon, features, units, layers, quantiles, seed } = config;
    const random = seededRandom(seed);
    const lstm: ParameterTensor[] = [];
    for (let l = 0; l < layers; l++) {
      const inputSize = l === 0 ? features : units;
      lstm.push(parameter(`lstm_${l}/weights`, [inputSize + units + 1, 4 * units], lstmWeightValues(random, inputSize, units)));
    }
    const head = parameter('head/weights', [units + 1, horizon * quantiles.length], denseWeightValues(random, units, horizon * quantiles.length));
    super(config, [...lstm, head], window * features, horizon, horizon * quantiles.length);
    this.head = head;
    this.stack = new LstmStack(kernels, window, lstm.map((weights, l) => ({ inputSize: l === 0 ? features : units, units, weights })));
    this.norm = normalizer(config.normalization);
    this.taus = Float64Array.from(quantiles);
  }

  protected train(batch: Batch, gradients: readonly Float32Array[]): number {
    const size = batch.size;
    const { units } = this.config;
    const outputs = this.outputLength;
    const workspaces = this.run(batch.inputs, size);
    const last = this.lastHidden(workspaces[workspaces.length - 1]!.h, size);
    const out = this.out;
    this.dOut = atLeast(this.dOut, size * outputs);
    const loss = this.pinball(batch.targets, size, out, this.dOut, undefined);
    this.dLast = atLeast(this.dLast, size * units);
    denseBackward(last, size, units, this.head.values, outputs, this.dOut, gradients[gradients.length - 1]!, this.dLast);
    const top = workspaces[workspaces.length - 1]!;
    const dh = top.dh;
    const lastStep = (this.config.window - 1) * size * units;
    dh.fill(0, 0, lastStep);
    dh.set(this.dLast.subarray(0, size * units), lastStep);
    this.stack.backward(workspaces, gradients);
    return loss;
  }

  protected predictChunk(inputs: Float32Array, size: number, result: Float32Array): void {
    this.run(inputs, size);
    const { horizon } = this.config;
    const q = this.taus.length;
    const center = this.norm.center[0]!;
    const scale = this.norm.scale[0]!;
    for (let row = 0; row < size * horizon; row++) {
      const o = row * q;
      for (let k = 0; k < q; k++) result[o + k] = this.out[o + k]! * scale + center;
      // Quantile heads are trained separately and can cross; sorting keeps every interval well formed.
      for (let k = 1; k < q; k++) {
        const value = result[o + k]!;
        let i = k - 1;
        while (i >= 0 && result[o + i]! > value) {
          result[o + i + 1] = result[o + i]!;
          i--;
        }
        result[o + i + 1] = value;
      }
    }
  }

  protected scoreChunk(inputs: Float32Array, targets: Float32Array, size: number, result: Float32Array): void {
    this.run(inputs, size);
    this.pinball(targets, size, this.out, undefined, result);
  }

  protected release(): void {
    this.stack.dispose();
  }

  protected locate(array: 'inputs' | 'targets', k: number): string {
    return array === 'inputs' ? locateStepFeature(k, this.config.window, this.config.features) : `step ${k}`;
  }

  /** Forward through the stack and the head into `this.out`; returns the workspaces. */
  private run(inputs: Float32Array, size: number): ReturnType<LstmStack['workspaces']> {
    const workspaces = this.stack.workspaces(size);
    normalizeTimeMajor(inputs, size, this.config.window, this.norm, workspaces[0]!.x);
    this.stack.forward(workspaces);
    const last = this.lastHidden(workspaces[workspaces.length - 1]!.h, size);
    this.out = atLeast(this.out, size * this.outputLength);
    denseForward(last, size, this.config.units, this.head.values, this.outputLength, this.out);
    return workspaces;
  }

  private lastHidden(h: Float32Array, size: number): Float32Array {
    const stepValues = size * this.config.units;
    return h.subarray((this.config.window - 1) * stepValues, this.config.window * stepValues);
  }

  /**
   * Pinball loss of `out` against raw `targets`: returns the batch mean (over examples, steps and quantiles); writes
   * its gradient into `dOut` and each example's mean into `perExample` when given.
   */
  private pinball(targets: Float32Array, size: number, out: Float32Array, dOut: Float32Array | undefined, perExample: Float32Array | undefined): number {
    const { horizon } = this.config;
    const q = this.taus.length;
    const outputs = this.outputLength;
    const center = this.norm.center[0]!;
    const scale = this.norm.scale[0]!;
    const gradScale = 1 / (size * outputs);
    let total = 0;
    for (let b = 0; b < size; b++) {
      let exampleSum = 0;
      for (let s = 0; s < horizon; s++) {
        const y = (targets[b * horizon + s]! - center) / scale;
        for (let k = 0; k < q; k++) {
          const j = b * outputs + s * q + k;
          const residual = y - out[j]!;
          const tau = this.taus[k]!;
          exampleSum += residual >= 0 ? tau * residual : (tau - 1) * residual;
          if (dOut !== undefined) dOut[j] = (residual >= 0 ? -tau : 1 - tau) * gradScale;
        }
      }
      if (perExample !== undefined) perExample[b] = exampleSum / outputs;
      total += exampleSum;
    }
    return total * gradScale;
  }
}

export function createLstmForecaster(kernels: LstmKernels, config: LstmForecasterConfig): TrainableModel {
  return new LstmForecaster(kernels, config);
}
