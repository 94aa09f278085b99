import { seededRandom } from '../../../util/index.js';
import { denseWeightValues, lstmWeightValues } from '../init.js';
import type { LstmKernels, LstmWorkspace } from '../kernels/lstm-kernel.js';
import type { Batch, LstmAutoencoderConfig, ParameterTensor, TrainableModel } from '../model.js';
import { denseBackward, denseForward } from './dense.js';
import { denormalizeExampleMajor, locateStepFeature, normalizeTimeMajor, normalizer } from './encode.js';
import type { Normalizer } from './encode.js';
import { LstmStack } from './lstm-stack.js';
import { atLeast, ModelBase, parameter } from './model-base.js';

/**
 * Sequence autoencoder on the LSTM kernels: an encoder LSTM over the normalised window, its last hidden state fed as
 * the decoder LSTM's input at every step, a dense layer `[units + 1, features]` per step; mean squared error over the
 * window's values (per example), in normalised units.
 */
class LstmAutoencoder extends ModelBase<LstmAutoencoderConfig> {
  private readonly encoder: LstmStack;
  private readonly decoder: LstmStack;
  private readonly output: ParameterTensor;
  private readonly norm: Normalizer;
  /** Time-major `[window, batch, features]`: the reconstruction, the normalised targets, then the gradient. */
  private out = new Float32Array(0);
  private target = new Float32Array(0);
  private dOut = new Float32Array(0);
  /** The decoder's hidden-state gradient, `[window, batch, units]`. */
  private dDecoded = new Float32Array(0);

  constructor(kernels: LstmKernels, config: LstmAutoencoderConfig) {
    const { window, features, units, seed } = config;
    const random = seededRandom(seed);
    const encoder = parameter('encoder/weights', [features + units + 1, 4 * units], lstmWeightValues(random, features, units));
    const decoder = parameter('decoder/weights', [2 * units + 1, 4 * units], lstmWeightValues(random, units, units));
    const output = parameter('output/weights', [units + 1, features], denseWeightValues(random, units, features));
    super(config, [encoder, decoder, output], window * features, window * features, window * features);
    this.output = output;
    this.encoder = new LstmStack(kernels, window, [{ inputSize: features, units, weights: encoder }]);
    this.decoder = new LstmStack(kernels, window, [{ inputSize: units, units, weights: decoder }]);
    this.norm = normalizer(config.normalization);
  }

  protected train(batch: Batch, gradients: readonly Float32Array[]): number {
    const size = batch.size;
    const { window, features, units } = this.config;
    const [encoded, decoded] = this.run(batch.inputs, size);
    const values = size * window * features;
    this.dOut = atLeast(this.dOut, values);
    const loss = this.squaredError(batch.targets, size, this.dOut, undefined);
    this.dDecoded = atLeast(this.dDecoded, window * size * units);
    denseBackward(decoded.h, window * size, units, this.output.values, features, this.dOut, gradients[2]!, this.dDecoded);
    decoded.dh.set(this.dDecoded.subarray(0, window * size * units));
    this.decoder.backward([decoded], [gradients[1]!]);
    // The encoder's last state fed every decoder step, so its gradient is the sum over steps.
    const dx = decoded.dx;
    const dh = encoded.dh;
    const stepValues = size * units;
    const lastStep = (window - 1) * stepValues;
    dh.fill(0, 0, lastStep);
    for (let i = 0; i < stepValues; i++) {
      let sum = 0;
      for (let t = 0; t < window; t++) sum += dx[t * stepValues + i]!;
      dh[lastStep + i] = sum;
    }
    this.encoder.backward([encoded], [gradients[0]!]);
    return loss;
  }

  protected predictChunk(inputs: Float32Array, size: number, result: Float32Array): void {
    this.run(inputs, size);
    denormalizeExampleMajor(this.out, size, this.config.window, this.norm, result);
  }

  protected scoreChunk(inputs: Float32Array, targets: Float32Array, size: number, result: Float32Array): void {
    this.run(inputs, size);
    this.squaredError(targets, size, undefined, result);
  }

  protected release(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }

  protected locate(_array: 'inputs' | 'targets', k: number): string {
    return locateStepFeature(k, this.config.window, this.config.features);
  }

  /** Encoder, repeated state, decoder and output layer into `this.out`; returns the two workspaces. */
  private run(inputs: Float32Array, size: number): [LstmWorkspace, LstmWorkspace] {
    const { window, features, units } = this.config;
    const encoded = this.encoder.workspaces(size)[0]!;
    const decoded = this.decoder.workspaces(size)[0]!;
    normalizeTimeMajor(inputs, size, window, this.norm, encoded.x);
    this.encoder.forward([encoded]);
    const stepValues = size * units;
    const state = encoded.h.subarray((window - 1) * stepValues, window * stepValues);
    const x = decoded.x;
    for (let t = 0; t < window; t++) x.set(state, t * stepValues);
    this.decoder.forward([decoded]);
    this.out = atLeast(this.out, window * size * features);
    denseForward(decoded.h, window * size, units, this.output.values, features, this.out);
    return [encoded, decoded];
  }

  /**
   * Squared error of `this.out` against raw `targets`: returns the mean over the batch of each example's mean over
   * its window's values; writes the gradient (time-major) into `dOut` and each example's mean into `perExample`.
   */
  private squaredError(targets: Float32Array, size: number, dOut: Float32Array | undefined, perExample: Float32Array | undefined): number {
    const { window, features } = this.config;
    const values = window * features;
    this.target = atLeast(this.target, size * values);
    normalizeTimeMajor(targets, size, window, this.norm, this.target);
    if (perExample !== undefined) perExample.fill(0, 0, size);
    const gradScale = 2 / (size * values);
    let total = 0;
    for (let t = 0; t < window; t++) {
      for (let b = 0; b < size; b++) {
        const row = (t * size + b) * features;
        let sum = 0;
        for (let f = 0; f < features; f++) {
          const error = this.out[row + f]! - this.target[row + f]!;
          sum += error * error;
          if (dOut !== undefined) dOut[row + f] = error * gradScale;
        }
        if (perExample !== undefined) perExample[b] += sum / values;
        total += sum;
      }
    }
    return total / (size * values);
  }
}

export function createLstmAutoencoder(kernels: LstmKernels, config: LstmAutoencoderConfig): TrainableModel {
  return new LstmAutoencoder(kernels, config);
}
