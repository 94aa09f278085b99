import type * as tfjs from '@tensorflow/tfjs';
import { seededRandom } from '../../util/index.js';
import { lstmGateValues, uniformValues } from './init.js';
import { transposingProduct } from './tf-product.js';
import type { TfProduct } from './tf-product.js';

type Tf = typeof tfjs;

/** Shape and training settings of a stacked-LSTM classifier over windows of symbols. */
export interface LstmClassifierSpec {
  /** Input symbols are integers in [0, vocabularySize), fed one-hot. */
  readonly vocabularySize: number;
  /** The model predicts a distribution over this many classes. */
  readonly classes: number;
  /** Symbols per input window. */
  readonly windowLength: number;
  /** LSTM units per layer. */
  readonly hiddenUnits: number;
  /** Stacked LSTM layers; the last one's final state feeds a dense softmax layer. */
  readonly layers: number;
  /** Adam step size. */
  readonly learningRate: number;
  /** Seed of the initial weights. */
  readonly seed: number;
}

/**
 * A trainable next-symbol classifier. Windows are row-major `[batch, windowLength]` symbol ids; every method checks
 * the lengths of its arrays against the batch and names the mismatch.
 */
export interface LstmClassifier {
  readonly spec: LstmClassifierSpec;
  /** Trainable scalars in the model. */
  readonly parameterCount: number;
  /**
   * One Adam step on a batch. `targets` is `[batch, classes]`, each row a distribution over the classes (one-hot or
   * the observed share of each follower); the step minimises mean(weights · cross-entropy). Returns that loss.
   */
  trainStep(windows: Int32Array, targets: Float32Array, weights: Float32Array): number;
  /** Class probabilities, row-major `[batch, classes]`. */
  predict(windows: Int32Array): Float32Array;
  /** Frees the weights and the optimiser state; the classifier cannot be used afterwards. */
  dispose(): void;
}

function checkSpec(spec: LstmClassifierSpec): void {
  const integers: readonly (keyof LstmClassifierSpec)[] = ['vocabularySize', 'classes', 'windowLength', 'hiddenUnits', 'layers'];
  for (const field of integers) {
    const value = spec[field];
    if (!(Number.isInteger(value) && value >= 1)) throw new Error(`cannot create lstm classifier: ${field} must be an integer >= 1, got ${value}`);
  }
  if (!(spec.learningRate > 0 && Number.isFinite(spec.learningRate))) throw new Error(`cannot create lstm classifier: learningRate must be a finite number > 0, got ${spec.learningRate}`);
  if (!Number.isInteger(spec.seed)) throw new Error(`cannot create lstm classifier: seed must be an integer, got ${spec.seed}`);
}

/**
 * Weights of one LSTM layer, one matrix per gate (input, forget, cell, output as in PyTorch). Each takes the step's
 * input, the previous hidden state and a constant 1 (so its last row is the bias): `[inputSize + units + 1, units]`.
 * Separate gate matrices and the folded bias avoid slicing tensors, which the wasm backend does by copying the
 * whole source tensor out of its heap for every slice.
 */
interface LstmLayer {
  readonly gates: readonly [tfjs.Variable, tfjs.Variable, tfjs.Variable, tfjs.Variable];
}

class TfLstmClassifier implements LstmClassifier {
  readonly parameterCount: number;
  private readonly layers: LstmLayer[] = [];
  /** `[units + 1, classes]`, the last row the bias. */
  private readonly outputKernel: tfjs.Variable;
  private readonly variables: tfjs.Variable[];
  private readonly optimizer: tfjs.AdamOptimizer;
  private disposed = false;
  /** matMul whose gradient transposes explicitly: the wasm backend's transposed products are ~15x slower. */
  private readonly product: TfProduct;

  constructor(
    private readonly tf: Tf,
    readonly spec: LstmClassifierSpec,
  ) {
    const random = seededRandom(spec.seed);
    const units = spec.hiddenUnits;
    const variable = (values: Float32Array, rows: number, columns: number): tfjs.Variable => {
      const initial = tf.tensor2d(values, [rows, columns], 'float32');
      const created = tf.variable(initial, true);
      initial.dispose();
      return created;
    };
    // PyTorch's default initialisation, as DeepLog was trained; shared with the engine's other LSTM models.
    for (let l = 0; l < spec.layers; l++) {
      const inputSize = l === 0 ? spec.vocabularySize : units;
      const [input, forget, cell, output] = lstmGateValues(random, inputSize, units).map((values) => variable(values, inputSize + units + 1, units));
      this.layers.push({ gates: [input!, forget!, cell!, output!] });
    }
    this.outputKernel = variable(uniformValues(random, (units + 1) * spec.classes, 1 / Math.sqrt(units)), units + 1, spec.classes);
    this.variables = [...this.layers.flatMap((l) => l.gates), this.outputKernel];
    this.parameterCount = this.variables.reduce((sum, v) => sum + v.size, 0);
    this.optimizer = tf.train.adam(spec.learningRate);
    this.product = transposingProduct(tf);
  }

  trainStep(windows: Int32Array, targets: Float32Array, weights: Float32Array): number {
    const tf = this.tf;
    const batch = weights.length;
    this.checkBatch('train', windows, batch);
    if (batch === 0) throw new Error('cannot train lstm classifier: empty batch');
    if (targets.length !== batch * this.spec.classes) throw new Error(`cannot train lstm classifier: targets hold ${targets.length} values, expected ${batch} rows of ${this.spec.classes}`);
    const inputs = this.stepInputs(windows, batch);
    const y = tf.tensor2d(targets, [batch, this.spec.classes], 'float32');
    const w = tf.tensor1d(weights, 'float32');
    try {
      const cost = this.optimizer.minimize(
        () => {
          const logProbabilities = tf.logSoftmax(this.logits(inputs, batch));
          return tf.mean(tf.mul(tf.neg(tf.sum(tf.mul(y, logProbabilities), 1)), w));
        },
        true,
        this.variables,
      )!;
      const loss = cost.dataSync()[0]!;
      cost.dispose();
      return loss;
    } finally {
      tf.dispose([...inputs, y, w]);
    }
  }

  predict(windows: Int32Array): Float32Array {
    const tf = this.tf;
    const batch = windows.length / this.spec.windowLength;
    this.checkBatch('predict', windows, batch);
    if (batch === 0) return new Float32Array(0);
    const inputs = this.stepInputs(windows, batch);
    try {
      const probabilities = tf.tidy(() => tf.softmax(this.logits(inputs, batch)));
      const values = probabilities.dataSync() as Float32Array;
      probabilities.dispose();
      return values;
    } finally {
      tf.dispose(inputs);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.tf.dispose(this.variables);
  }

  private checkBatch(verb: string, windows: Int32Array, batch: number): void {
    if (this.disposed) throw new Error(`cannot ${verb} lstm classifier: it was disposed`);
    const { windowLength, vocabularySize } = this.spec;
    if (!Number.isInteger(batch) || windows.length !== batch * windowLength) throw new Error(`cannot ${verb} lstm classifier: windows hold ${windows.length} symbols, expected a whole number of windows of ${windowLength}${verb === 'train' ? ` for ${batch} weights` : ''}`);
    for (let i = 0; i < windows.length; i++) {
      const symbol = windows[i]!;
      if (symbol < 0 || symbol >= vocabularySize) throw new Error(`cannot ${verb} lstm classifier: symbol ${symbol} at ${i} is outside [0, ${vocabularySize})`);
    }
  }

  /** One `[batch, vocabularySize]` one-hot tensor per time step, built here rather than sliced from one tensor. */
  private stepInputs(windows: Int32Array, batch: number): tfjs.Tensor2D[] {
    const { windowLength: steps, vocabularySize } = this.spec;
    const inputs: tfjs.Tensor2D[] = [];
    for (let t = 0; t < steps; t++) {
      const oneHot = new Float32Array(batch * vocabularySize);
      for (let b = 0; b < batch; b++) oneHot[b * vocabularySize + windows[b * steps + t]!] = 1;
      inputs.push(this.tf.tensor2d(oneHot, [batch, vocabularySize], 'float32'));
    }
    return inputs;
  }

  /** Unnormalised class scores `[batch, classes]` from the last layer's final hidden state. */
  private logits(inputs: readonly tfjs.Tensor2D[], batch: number): tfjs.Tensor2D {
    const tf = this.tf;
    const units = this.spec.hiddenUnits;
    const ones = tf.ones([batch, 1]);
    let sequence: readonly tfjs.Tensor[] = inputs;
    let h: tfjs.Tensor = tf.zeros([batch, units]);
    for (const layer of this.layers) {
      const [inputGate, forgetGate, cellGate, outputGate] = layer.gates;
      const outputs: tfjs.Tensor[] = [];
      h = tf.zeros([batch, units]);
      let c: tfjs.Tensor | undefined;
      for (const x of sequence) {
        const joined = tf.concat([x, h, ones], 1);
        const cellInput = tf.mul(tf.sigmoid(this.product(joined, inputGate)), tf.tanh(this.product(joined, cellGate)));
        c = c === undefined ? cellInput : tf.add(tf.mul(tf.sigmoid(this.product(joined, forgetGate)), c), cellInput);
        h = tf.mul(tf.sigmoid(this.product(joined, outputGate)), tf.tanh(c));
        outputs.push(h);
      }
      sequence = outputs;
    }
    return this.product(tf.concat([h, ones], 1), this.outputKernel);
  }
}

/** Builds the classifier on the tensor library the engine initialised; only the engine calls this. */
export function buildLstmClassifier(tf: Tf, spec: LstmClassifierSpec): LstmClassifier {
  checkSpec(spec);
  return new TfLstmClassifier(tf, spec);
}
