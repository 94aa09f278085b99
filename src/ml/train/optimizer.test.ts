import { describe, expect, it } from 'vitest';
import type { ParameterTensor } from '../engine/model.js';
import { createOptimizer } from './optimizer.js';

const parameter = (values: number[]): ParameterTensor => ({ name: 'w', shape: [values.length], values: Float32Array.from(values) });

describe('optimisers', () => {
  it('SGD subtracts rate × gradient', () => {
    const p = parameter([1, 2]);
    const sgd = createOptimizer({ kind: 'sgd', learningRate: 0.5 }, [p]);
    sgd.step([p], [Float32Array.of(2, -4)]);
    expect(Array.from(p.values)).toEqual([0, 4]);
    expect(sgd.state().steps).toBe(1);
  });

  it('Adam takes steps of about the learning rate in the gradient sign at first, as PyTorch does', () => {
    const p = parameter([1, 1]);
    const adam = createOptimizer({ kind: 'adam', learningRate: 0.1 }, [p]);
    adam.step([p], [Float32Array.of(3, -0.01)]);
    // Bias-corrected first step: m̂ = g, v̂ = g², so the update is rate · g / (|g| + ε).
    expect(p.values[0]).toBeCloseTo(0.9, 6);
    expect(p.values[1]).toBeCloseTo(1.1, 5);
    adam.step([p], [Float32Array.of(1, -0.01)]);
    // Second step by hand from m1 = 0.1·3 and v1 = 0.001·9.
    const m = 0.9 * 0.3 + 0.1 * 1;
    const v = 0.999 * 0.009 + 0.001 * 1;
    const update = (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(p.values[0]).toBeCloseTo(0.9 - update, 5);
  });

  it('restores its state so a resumed run takes the same steps', () => {
    const a = parameter([0.5, -0.5]);
    const b = parameter([0.5, -0.5]);
    const first = createOptimizer({ kind: 'adam', learningRate: 0.01 }, [a]);
    first.step([a], [Float32Array.of(1, 2)]);
    const second = createOptimizer({ kind: 'adam', learningRate: 0.01 }, [b]);
    b.values.set(a.values);
    second.restore(first.state());
    first.step([a], [Float32Array.of(-1, 0.5)]);
    second.step([b], [Float32Array.of(-1, 0.5)]);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
  });

  it('names mismatched gradients and bad settings', () => {
    const p = parameter([1, 2]);
    expect(() => createOptimizer({ kind: 'adam', learningRate: 0 }, [p])).toThrow(/learning rate must be a finite number > 0, got 0/);
    expect(() => createOptimizer({ kind: 'sgd', learningRate: 1 }, [p]).step([p], [new Float32Array(3)])).toThrow(/w holds 2 values, its gradient 3/);
    expect(() => createOptimizer({ kind: 'adam', learningRate: 1 }, [p]).restore({ steps: 1, moments: [] })).toThrow(/holds 0 moment tensors, expected 1/);
  });
});
