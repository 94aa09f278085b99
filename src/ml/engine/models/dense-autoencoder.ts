import type * as tfjs from '@tensorflow/tfjs';
import { seededRandom } from '../../../util/index.js';
import { uniformValues } from '../init.js';
import type { Batch, DenseAutoencoderConfig, ParameterTensor, TrainableModel } from '../model.js';
import { transposingProduct } from '../tf-product.js';
import type { TfProduct } from '../tf-product.js';
import { locateStepFeature, normalizeTimeMajor, normalizer } from './encode.js';
import type { Normalizer } from './encode.js';
import { atLeast, ModelBase, parameter } from './model-base.js';

type Tf = typeof tfjs;

/**
 * Dense autoencoder on TensorFlow.js: normalised features through `hidden` tanh layers (smooth and bounded, so a
 * bottleneck cannot die the way ReLU units can) to a linear output layer of `features`; mean squared error per value
 * in normalised units. A handful of ops per layer, so tfjs's per-op cost does not matter here. Parameters are uploaded
 * on every call because the optimiser updates them in place between calls.
 */
class DenseAutoencoder extends ModelBase<DenseAutoencoderConfig> {
  private readonly norm: Normalizer;
  private readonly product: TfProduct;
  private x = new Float32Array(0);
  private y = new Float32Array(0);

  constructor(
    private readonly tf: Tf,
    config: DenseAutoencoderConfig,
  ) {
    const random = seededRandom(config.seed);
    const widths = [config.features, ...config.hidden, config.features];
    const parameters: ParameterTensor[] = [];
    for (let l = 0; l + 1 < widths.length; l++) {
      const fanIn = widths[l]!;
      const fanOut = widths[l + 1]!;
      const bound = 1 / Math.sqrt(fanIn);
      parameters.push(parameter(`dense_${l}/kernel`, [fanIn, fanOut], uniformValues(random, fanIn * fanOut, bound)));
      parameters.push(parameter(`dense_${l}/bias`, [fanOut], uniformValues(random, fanOut, bound)));
    }
    super(config, parameters, config.features, config.features, config.features);
    this.norm = normalizer(config.normalization);
    this.product = transposingProduct(tf);
  }

  protected train(batch: Batch, gradients: readonly Float32Array[]): number {
    const tf = this.tf;
    const x = this.normalized(batch.inputs, batch.size, 'x');
    const y = this.normalized(batch.targets, batch.size, 'y');
    return tf.tidy(() => {
      const xs = tf.tensor2d(x, [batch.size, this.config.features], 'float32');
      const ys = tf.tensor2d(y, [batch.size, this.config.features], 'float32');
      const { value, grads } = tf.valueAndGrads((...weights: tfjs.Tensor[]) => tf.mean(tf.squaredDifference(this.forward(xs, weights), ys)))(this.uploadParameters());
      grads.forEach((grad, i) => gradients[i]!.set(grad.dataSync() as Float32Array));
      return value.dataSync()[0]!;
    });
  }

  protected predictChunk(inputs: Float32Array, size: number, result: Float32Array): void {
    const tf = this.tf;
    const x = this.normalized(inputs, size, 'x');
    tf.tidy(() => {
      const values = this.forward(tf.tensor2d(x, [size, this.config.features], 'float32'), this.uploadParameters()).dataSync();
      const { center, scale } = this.norm;
      const features = this.config.features;
      for (let i = 0; i < values.length; i++) result[i] = values[i]! * scale[i % features]! + center[i % features]!;
    });
  }

  protected scoreChunk(inputs: Float32Array, targets: Float32Array, size: number, result: Float32Array): void {
    const tf = this.tf;
    const x = this.normalized(inputs, size, 'x');
    const y = this.normalized(targets, size, 'y');
    tf.tidy(() => {
      const out = this.forward(tf.tensor2d(x, [size, this.config.features], 'float32'), this.uploadParameters());
      result.set(tf.mean(tf.squaredDifference(out, tf.tensor2d(y, [size, this.config.features], 'float32')), 1).dataSync());
    });
  }

  protected release(): void {
    // Holds no tensors between calls.
  }

  protected locate(_array: 'inputs' | 'targets', k: number): string {
    return locateStepFeature(k, 1, this.config.features);
  }

  private forward(x: tfjs.Tensor, weights: readonly tfjs.Tensor[]): tfjs.Tensor {
    let h = x;
    const layers = weights.length / 2;
    for (let l = 0; l < layers; l++) {
      h = this.tf.add(this.product(h, weights[2 * l]!), weights[2 * l + 1]!);
      if (l + 1 < layers) h = this.tf.tanh(h);
    }
    return h;
  }

  /** The parameters' current values as tensors, inside the caller's tidy. */
  private uploadParameters(): tfjs.Tensor[] {
    return this.parameters.map((p) => this.tf.tensor(p.values, [...p.shape], 'float32'));
  }

  /** Normalised `[size, features]` values in scratch array `into`. */
  private normalized(values: Float32Array, size: number, into: 'x' | 'y'): Float32Array {
    const features = this.config.features;
    this[into] = atLeast(this[into], size * features);
    const out = this[into].subarray(0, size * features);
    normalizeTimeMajor(values, size, 1, this.norm, out);
    return out;
  }
}

export function createDenseAutoencoder(tf: Tf, config: DenseAutoencoderConfig): TrainableModel {
  return new DenseAutoencoder(tf, config);
}
