import type { Batch, ModelConfig, ParameterTensor, TrainableModel } from '../model.js';

/** What a caller was doing when a check failed; errors read `cannot <verb> model <kind>: <cause>`. */
export type ModelVerb = 'train' | 'evaluate' | 'predict with' | 'score with';

/** Examples per internal forward pass of predict/score, so a huge request does not allocate a huge workspace. */
const CHUNK_EXAMPLES = 512;

/** A named parameter, frozen, over freshly allocated values. */
export function parameter(name: string, shape: readonly number[], values: Float32Array): ParameterTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`cannot create parameter ${name}: ${values.length} values for shape [${shape.join(', ')}]`);
  return Object.freeze({ name, shape: Object.freeze([...shape]), values });
}

/** `array` when it holds at least `length` values, else a new one: scratch space that grows to the largest batch. */
export function atLeast(array: Float32Array<ArrayBuffer>, length: number): Float32Array<ArrayBuffer> {
  return array.length >= length ? array : new Float32Array(length);
}

/**
 * What every kind shares: the argument checks of the TrainableModel contract, chunked predict and scoring, the loss
 * as the mean of the example losses, and dispose. A kind implements the four computations on checked arguments.
 */
export abstract class ModelBase<C extends ModelConfig> implements TrainableModel {
  readonly parameters: readonly ParameterTensor[];
  readonly parameterCount: number;
  private disposed = false;

  protected constructor(
    readonly config: C,
    parameters: readonly ParameterTensor[],
    readonly inputLength: number,
    readonly targetLength: number,
    readonly outputLength: number,
  ) {
    this.parameters = Object.freeze([...parameters]);
    this.parameterCount = parameters.reduce((sum, p) => sum + p.values.length, 0);
  }

  /** Mean loss of a checked, non-empty batch; gradients (checked lengths) are overwritten. */
  protected abstract train(batch: Batch, gradients: readonly Float32Array[]): number;
  /** Fills `out[size, outputLength]` for at most CHUNK_EXAMPLES examples. */
  protected abstract predictChunk(inputs: Float32Array, size: number, out: Float32Array): void;
  /** Fills `out[size]` with the example losses of at most CHUNK_EXAMPLES examples. */
  protected abstract scoreChunk(inputs: Float32Array, targets: Float32Array, size: number, out: Float32Array): void;
  /** Frees what the kind holds beyond its parameters (workspaces, tensors). */
  protected abstract release(): void;
  /** Where value `k` of one example's inputs or targets sits, for errors: "step 3, feature 1". */
  protected abstract locate(array: 'inputs' | 'targets', k: number): string;

  /**
   * Checks every value before any work, so an error names the value's index in the caller's array: by default each
   * must be finite (a NaN would silently poison the parameters).
   */
  protected checkValues(verb: ModelVerb, array: 'inputs' | 'targets', values: Float32Array, exampleLength: number): void {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) this.fail(verb, `${array}[${i}] (example ${Math.floor(i / exampleLength)}, ${this.locate(array, i % exampleLength)}) is ${values[i]}, expected a finite number`);
    }
  }

  lossAndGradients(batch: Batch, gradients: readonly Float32Array[]): number {
    this.checkBatch('train', batch);
    if (batch.size === 0) this.fail('train', 'the batch is empty');
    if (gradients.length !== this.parameters.length) this.fail('train', `${gradients.length} gradient arrays for ${this.parameters.length} parameters`);
    this.parameters.forEach((p, i) => {
      if (gradients[i]!.length !== p.values.length) this.fail('train', `gradients[${i}] holds ${gradients[i]!.length} values, expected ${p.values.length} for ${p.name}`);
    });
    return this.train(batch, gradients);
  }

  loss(batch: Batch): number {
    this.checkBatch('evaluate', batch);
    if (batch.size === 0) this.fail('evaluate', 'the batch is empty');
    const losses = this.scoreChecked(batch);
    let sum = 0;
    for (let i = 0; i < losses.length; i++) sum += losses[i]!;
    return sum / losses.length;
  }

  exampleLosses(batch: Batch): Float32Array {
    this.checkBatch('score with', batch);
    return this.scoreChecked(batch);
  }

  predict(inputs: Float32Array, size: number): Float32Array {
    this.checkLengths('predict with', size, inputs, undefined);
    this.checkValues('predict with', 'inputs', inputs, this.inputLength);
    const out = new Float32Array(size * this.outputLength);
    for (let from = 0; from < size; from += CHUNK_EXAMPLES) {
      const to = Math.min(size, from + CHUNK_EXAMPLES);
      this.predictChunk(inputs.subarray(from * this.inputLength, to * this.inputLength), to - from, out.subarray(from * this.outputLength, to * this.outputLength));
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }

  protected fail(verb: ModelVerb, cause: string): never {
    throw new Error(`cannot ${verb} model ${this.config.kind}: ${cause}`);
  }

  private scoreChecked(batch: Batch): Float32Array {
    const out = new Float32Array(batch.size);
    for (let from = 0; from < batch.size; from += CHUNK_EXAMPLES) {
      const to = Math.min(batch.size, from + CHUNK_EXAMPLES);
      const inputs = batch.inputs.subarray(from * this.inputLength, to * this.inputLength);
      const targets = batch.targets.subarray(from * this.targetLength, to * this.targetLength);
      this.scoreChunk(inputs, targets, to - from, out.subarray(from, to));
    }
    return out;
  }

  private checkBatch(verb: ModelVerb, batch: Batch): void {
    this.checkLengths(verb, batch.size, batch.inputs, batch.targets);
    this.checkValues(verb, 'inputs', batch.inputs, this.inputLength);
    this.checkValues(verb, 'targets', batch.targets, this.targetLength);
  }

  private checkLengths(verb: ModelVerb, size: number, inputs: Float32Array, targets: Float32Array | undefined): void {
    if (this.disposed) this.fail(verb, 'it was disposed');
    if (!(Number.isInteger(size) && size >= 0)) this.fail(verb, `the batch size must be an integer >= 0, got ${size}`);
    if (inputs.length !== size * this.inputLength) this.fail(verb, `inputs hold ${inputs.length} values, expected ${size * this.inputLength} (${size} examples of ${this.inputLength})`);
    if (targets !== undefined && targets.length !== size * this.targetLength) this.fail(verb, `targets hold ${targets.length} values, expected ${size * this.targetLength} (${size} examples of ${this.targetLength})`);
  }
}
