import type { LstmKernels, LstmWorkspace } from '../kernels/lstm-kernel.js';
import type { ParameterTensor } from '../model.js';

/** Batch sizes whose workspaces stay allocated: a training batch, a last partial batch, predict's chunks. */
const CACHED_BATCH_SIZES = 4;

/** One layer of a stack: its input width, units, and its packed weights `[inputSize + units + 1, 4 * units]`. */
export interface LstmLayerSpec {
  readonly inputSize: number;
  readonly units: number;
  readonly weights: ParameterTensor;
}

/**
 * Stacked LSTM layers over sequences of `steps`, run by the LSTM kernels: layer l > 0 reads layer l - 1's hidden
 * states. Keeps one workspace per (layer, batch size), the least recently used batch size evicted beyond a few, so
 * repeated calls with the same batch size allocate nothing. Weights are copied in on every forward because the
 * optimiser updates the parameters in place between calls.
 */
export class LstmStack {
  private readonly cache = new Map<number, readonly LstmWorkspace[]>();

  constructor(
    private readonly kernels: LstmKernels,
    readonly steps: number,
    readonly layers: readonly LstmLayerSpec[],
  ) {}

  /** The workspaces for `batch` sequences, bottom layer first; fill `[0].x` (time-major) before `forward`. */
  workspaces(batch: number): readonly LstmWorkspace[] {
    const cached = this.cache.get(batch);
    if (cached !== undefined) {
      // Re-insert so the map's order is least recently used first.
      this.cache.delete(batch);
      this.cache.set(batch, cached);
      return cached;
    }
    if (this.cache.size >= CACHED_BATCH_SIZES) {
      const [oldest, workspaces] = this.cache.entries().next().value as [number, readonly LstmWorkspace[]];
      this.cache.delete(oldest);
      for (const w of workspaces) w.dispose();
    }
    const created: LstmWorkspace[] = [];
    try {
      for (const layer of this.layers) created.push(this.kernels.workspace({ steps: this.steps, batch, inputSize: layer.inputSize, units: layer.units }));
    } catch (err) {
      for (const w of created) w.dispose();
      throw err;
    }
    this.cache.set(batch, created);
    return created;
  }

  /** Runs every layer forward; the input is what the caller wrote into the bottom workspace's `x`. */
  forward(workspaces: readonly LstmWorkspace[]): void {
    for (let l = 0; l < workspaces.length; l++) {
      const w = workspaces[l]!;
      if (l > 0) w.x.set(workspaces[l - 1]!.h);
      w.weights.set(this.layers[l]!.weights.values);
      w.forward();
    }
  }

  /**
   * Back-propagates from the top workspace's `dh` (filled by the caller after `forward`), writing each layer's weight
   * gradient into `gradients[l]`. The bottom layer's `dx` is left for callers whose input is itself trained.
   */
  backward(workspaces: readonly LstmWorkspace[], gradients: readonly Float32Array[]): void {
    for (let l = workspaces.length - 1; l >= 0; l--) {
      const w = workspaces[l]!;
      w.backward();
      gradients[l]!.set(w.dWeights);
      if (l > 0) workspaces[l - 1]!.dh.set(w.dx);
    }
  }

  dispose(): void {
    for (const workspaces of this.cache.values()) for (const w of workspaces) w.dispose();
    this.cache.clear();
  }
}
