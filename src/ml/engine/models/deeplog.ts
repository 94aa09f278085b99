import { seededRandom } from '../../../util/index.js';
import { denseWeightValues, lstmWeightValues } from '../init.js';
import type { LstmKernels } from '../kernels/lstm-kernel.js';
import type { Batch, DeepLogConfig, ParameterTensor, TrainableModel } from '../model.js';
import { denseBackward, denseForward } from './dense.js';
import { LstmStack } from './lstm-stack.js';
import { atLeast, ModelBase, parameter } from './model-base.js';
import type { ModelVerb } from './model-base.js';

/**
 * DeepLog's next-template model on the LSTM kernels: one-hot template ids through stacked LSTM layers, the top
 * layer's last hidden state through a dense head `[units + 1, vocabularySize]` to logits, cross-entropy of the next
 * id. Same graph and, for the same seed, the same initial weights as the tfjs LstmClassifier with
 * `classes = vocabularySize` (a one-hot row times the first layer's matrix is an embedding lookup).
 */
class DeepLog extends ModelBase<DeepLogConfig> {
  private readonly stack: LstmStack;
  private readonly head: ParameterTensor;
  /** Logits, then (for gradients) `softmax - onehot` scaled, `[batch, vocabularySize]`. */
  private logits = new Float32Array(0);
  private dLast = new Float32Array(0);

  constructor(kernels: LstmKernels, config: DeepLogConfig) {
    const { window, vocabularySize, units, layers, seed } = config;
    const random = seededRandom(seed);
    const lstm: ParameterTensor[] = [];
    for (let l = 0; l < layers; l++) {
      const inputSize = l === 0 ? vocabularySize : units;
      lstm.push(parameter(`lstm_${l}/weights`, [inputSize + units + 1, 4 * units], lstmWeightValues(random, inputSize, units)));
    }
    const head = parameter('head/weights', [units + 1, vocabularySize], denseWeightValues(random, units, vocabularySize));
    super(config, [...lstm, head], window, 1, vocabularySize);
    this.head = head;
    this.stack = new LstmStack(kernels, window, lstm.map((weights, l) => ({ inputSize: l === 0 ? vocabularySize : units, units, weights })));
  }

  protected train(batch: Batch, gradients: readonly Float32Array[]): number {
    const size = batch.size;
    const { window, units, vocabularySize } = this.config;
    const workspaces = this.run(batch.inputs, size);
    const logits = this.logits;
    let total = 0;
    for (let b = 0; b < size; b++) {
      const target = batch.targets[b]!;
      const row = b * vocabularySize;
      const lse = logSumExp(logits, row, vocabularySize);
      total += lse - logits[row + target]!;
      // d(mean cross-entropy)/d(logit) = (softmax - onehot) / size, written over the logits (no longer needed).
      for (let k = 0; k < vocabularySize; k++) logits[row + k] = Math.exp(logits[row + k]! - lse) / size;
      logits[row + target] -= 1 / size;
    }
    const top = workspaces[workspaces.length - 1]!;
    const stepValues = size * units;
    const lastStep = (window - 1) * stepValues;
    this.dLast = atLeast(this.dLast, stepValues);
    denseBackward(top.h.subarray(lastStep, lastStep + stepValues), size, units, this.head.values, vocabularySize, logits, gradients[gradients.length - 1]!, this.dLast);
    const dh = top.dh;
    dh.fill(0, 0, lastStep);
    dh.set(this.dLast.subarray(0, stepValues), lastStep);
    this.stack.backward(workspaces, gradients);
    return total / size;
  }

  protected predictChunk(inputs: Float32Array, size: number, result: Float32Array): void {
    this.run(inputs, size);
    const v = this.config.vocabularySize;
    for (let b = 0; b < size; b++) {
      const row = b * v;
      const lse = logSumExp(this.logits, row, v);
      for (let k = 0; k < v; k++) result[row + k] = Math.exp(this.logits[row + k]! - lse);
    }
  }

  protected scoreChunk(inputs: Float32Array, targets: Float32Array, size: number, result: Float32Array): void {
    this.run(inputs, size);
    const v = this.config.vocabularySize;
    for (let b = 0; b < size; b++) {
      const target = targets[b]!;
      result[b] = logSumExp(this.logits, b * v, v) - this.logits[b * v + target]!;
    }
  }

  protected release(): void {
    this.stack.dispose();
  }

  /** One-hot inputs through the stack and the head into `this.logits`; returns the workspaces. */
  private run(inputs: Float32Array, size: number): ReturnType<LstmStack['workspaces']> {
    const { window, units, vocabularySize } = this.config;
    const workspaces = this.stack.workspaces(size);
    const x = workspaces[0]!.x;
    x.fill(0, 0, window * size * vocabularySize);
    for (let b = 0; b < size; b++) {
      for (let t = 0; t < window; t++) x[(t * size + b) * vocabularySize + inputs[b * window + t]!] = 1;
    }
    this.stack.forward(workspaces);
    const stepValues = size * units;
    const lastStep = (window - 1) * stepValues;
    this.logits = atLeast(this.logits, size * vocabularySize);
    denseForward(workspaces[workspaces.length - 1]!.h.subarray(lastStep, lastStep + stepValues), size, units, this.head.values, vocabularySize, this.logits);
    return workspaces;
  }

  protected locate(array: 'inputs' | 'targets', k: number): string {
    return array === 'inputs' ? `step ${k}` : 'next id';
  }

  /** Inputs and targets are float-encoded template ids: each must be an integer in [0, vocabularySize). */
  protected override checkValues(verb: ModelVerb, array: 'inputs' | 'targets', values: Float32Array, exampleLength: number): void {
    const v = this.config.vocabularySize;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (!(Number.isInteger(value) && value >= 0 && value < v)) {
        this.fail(verb, `${array}[${i}] (example ${Math.floor(i / exampleLength)}, ${this.locate(array, i % exampleLength)}) is ${value}, expected an integer template id in [0, ${v})`);
      }
    }
  }
}

/** log(sum(exp(values[from .. from + length)))), shifted by the maximum so it cannot overflow. */
function logSumExp(values: Float32Array, from: number, length: number): number {
  let max = -Infinity;
  for (let k = 0; k < length; k++) max = Math.max(max, values[from + k]!);
  let sum = 0;
  for (let k = 0; k < length; k++) sum += Math.exp(values[from + k]! - max);
  return max + Math.log(sum);
}

export function createDeepLog(kernels: LstmKernels, config: DeepLogConfig): TrainableModel {
  return new DeepLog(kernels, config);
}
