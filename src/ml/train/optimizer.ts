import type { ParameterTensor } from '../engine/index.js';

/** The optimisers `vigil train` offers; both update parameters in place, identically on every rank. */
export const OPTIMIZER_KINDS = ['adam', 'sgd'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

export interface OptimizerConfig {
  readonly kind: OptimizerKind;
  readonly learningRate: number;
}

/**
 * Adam's moments and step count (empty moments for SGD) as plain data, so a checkpoint or an elastic commit can
 * carry it and a restored run takes bit-for-bit the same steps.
 */
export interface OptimizerState {
  readonly steps: number;
  readonly moments: readonly Float32Array[];
}

/** Applies averaged gradients to parameters; deterministic, so ranks that apply the same gradients stay equal. */
export interface Optimizer {
  readonly config: OptimizerConfig;
  step(parameters: readonly ParameterTensor[], gradients: readonly Float32Array[]): void;
  state(): OptimizerState;
  restore(state: OptimizerState): void;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** Adam (Kingma & Ba) with PyTorch's defaults; first and second moments interleaved per parameter tensor. */
class Adam implements Optimizer {
  private steps = 0;
  /** Per parameter: `[first moments..., second moments...]`, twice the parameter's length. */
  private moments: Float32Array[];

  constructor(
    readonly config: OptimizerConfig,
    sizes: readonly number[],
  ) {
    this.moments = sizes.map((n) => new Float32Array(2 * n));
  }

  step(parameters: readonly ParameterTensor[], gradients: readonly Float32Array[]): void {
    checkShapes(parameters, gradients, this.moments.length);
    this.steps++;
    const rate = this.config.learningRate;
    const correction1 = 1 - BETA1 ** this.steps;
    const correction2 = 1 - BETA2 ** this.steps;
    for (let p = 0; p < parameters.length; p++) {
      const values = parameters[p]!.values;
      const gradient = gradients[p]!;
      const moments = this.moments[p]!;
      const n = values.length;
      for (let i = 0; i < n; i++) {
        const g = gradient[i]!;
        const m = BETA1 * moments[i]! + (1 - BETA1) * g;
        const v = BETA2 * moments[n + i]! + (1 - BETA2) * g * g;
        moments[i] = m;
        moments[n + i] = v;
        values[i] = values[i]! - (rate * (m / correction1)) / (Math.sqrt(v / correction2) + EPSILON);
      }
    }
  }

  state(): OptimizerState {
    return { steps: this.steps, moments: this.moments.map((m) => m.slice()) };
  }

  restore(state: OptimizerState): void {
    checkRestore(state, this.moments);
    this.steps = state.steps;
    this.moments = state.moments.map((m) => m.slice());
  }
}

/** Plain stochastic gradient descent; the synchronous-SGD equivalence tests use it. */
class Sgd implements Optimizer {
  private steps = 0;

  constructor(
    readonly config: OptimizerConfig,
    private readonly parameterCount: number,
  ) {}

  step(parameters: readonly ParameterTensor[], gradients: readonly Float32Array[]): void {
    checkShapes(parameters, gradients, this.parameterCount);
    this.steps++;
    const rate = this.config.learningRate;
    for (let p = 0; p < parameters.length; p++) {
      const values = parameters[p]!.values;
      const gradient = gradients[p]!;
      for (let i = 0; i < values.length; i++) values[i] = values[i]! - rate * gradient[i]!;
    }
  }

  state(): OptimizerState {
    return { steps: this.steps, moments: [] };
  }

  restore(state: OptimizerState): void {
    checkRestore(state, []);
    this.steps = state.steps;
  }
}

function checkShapes(parameters: readonly ParameterTensor[], gradients: readonly Float32Array[], expected: number): void {
  if (parameters.length !== expected || gradients.length !== expected) throw new Error(`cannot apply gradients: expected ${expected} tensors, got ${parameters.length} parameters and ${gradients.length} gradients`);
  for (let p = 0; p < expected; p++) {
    if (parameters[p]!.values.length !== gradients[p]!.length) throw new Error(`cannot apply gradients: ${parameters[p]!.name} holds ${parameters[p]!.values.length} values, its gradient ${gradients[p]!.length}`);
  }
}

function checkRestore(state: OptimizerState, current: readonly Float32Array[]): void {
  if (!(Number.isInteger(state.steps) && state.steps >= 0)) throw new Error(`cannot restore optimiser: steps must be an integer >= 0, got ${state.steps}`);
  if (state.moments.length !== current.length) throw new Error(`cannot restore optimiser: state holds ${state.moments.length} moment tensors, expected ${current.length}`);
  for (let p = 0; p < current.length; p++) {
    if (state.moments[p]!.length !== current[p]!.length) throw new Error(`cannot restore optimiser: moment tensor ${p} holds ${state.moments[p]!.length} values, expected ${current[p]!.length}`);
  }
}

/** An optimiser for these parameters. */
export function createOptimizer(config: OptimizerConfig, parameters: readonly ParameterTensor[]): Optimizer {
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) throw new Error(`cannot create optimiser: learning rate must be a finite number > 0, got ${config.learningRate}`);
  if (config.kind === 'adam') return new Adam(config, parameters.map((p) => p.values.length));
  if (config.kind === 'sgd') return new Sgd(config, parameters.length);
  throw new Error(`cannot create optimiser: unknown kind ${JSON.stringify(config.kind)}; expected one of ${OPTIMIZER_KINDS.join(', ')}`);
}
