import { describe, expect, it } from 'vitest';
import { initEngine } from './engine.js';
import type { LstmClassifierSpec } from './lstm-classifier.js';
import type { ModelConfig } from './model.js';

const spec: LstmClassifierSpec = { vocabularySize: 4, classes: 4, windowLength: 3, hiddenUnits: 8, layers: 2, learningRate: 0.05, seed: 7 };

/** Windows whose next symbol is the one after their last, modulo 4: [0 1 2] -> 3, [1 2 3] -> 0, ... */
function cyclicBatch(): { windows: Int32Array; targets: Float32Array; weights: Float32Array } {
  const windows = new Int32Array(4 * 3);
  const targets = new Float32Array(4 * 4);
  for (let b = 0; b < 4; b++) {
    for (let t = 0; t < 3; t++) windows[b * 3 + t] = (b + t) % 4;
    targets[b * 4 + ((b + 3) % 4)] = 1;
  }
  return { windows, targets, weights: new Float32Array(4).fill(1) };
}

describe('tensor engine', () => {
  it('runs on the wasm backend by default, and on the cpu backend when asked, with the same results', async () => {
    const { windows } = cyclicBatch();
    const cpu = await initEngine({ backend: 'cpu' });
    expect(cpu.backend).toBe('cpu');
    const onCpu = cpu.createLstmClassifier(spec);
    const cpuProbabilities = onCpu.predict(windows);
    onCpu.dispose();

    const wasm = await initEngine();
    expect(wasm.backend).toBe('wasm');
    expect(typeof wasm.simd).toBe('boolean');
    const onWasm = wasm.createLstmClassifier(spec);
    const wasmProbabilities = onWasm.predict(windows);
    onWasm.dispose();
    expect(wasmProbabilities).toHaveLength(4 * 4);
    for (let i = 0; i < wasmProbabilities.length; i++) expect(wasmProbabilities[i]).toBeCloseTo(cpuProbabilities[i]!, 5);
    for (let b = 0; b < 4; b++) expect(wasmProbabilities.subarray(b * 4, b * 4 + 4).reduce((a, p) => a + p, 0)).toBeCloseTo(1, 5);
  });

  it('learns a next-symbol rule and frees every tensor on dispose', async () => {
    const engine = await initEngine();
    const before = engine.tensorCount();
    const classifier = engine.createLstmClassifier(spec);
    expect(classifier.parameterCount).toBe(4 * (4 + 8 + 1) * 8 + 4 * (8 + 8 + 1) * 8 + (8 + 1) * 4);
    const { windows, targets, weights } = cyclicBatch();
    const first = classifier.trainStep(windows, targets, weights);
    let last = first;
    for (let step = 0; step < 60; step++) last = classifier.trainStep(windows, targets, weights);
    expect(last).toBeLessThan(first / 4);
    const probabilities = classifier.predict(windows);
    for (let b = 0; b < 4; b++) {
      const row = Array.from(probabilities.subarray(b * 4, b * 4 + 4));
      expect(row.indexOf(Math.max(...row))).toBe((b + 3) % 4);
    }
    classifier.dispose();
    expect(engine.tensorCount()).toBe(before);
    expect(() => classifier.predict(windows)).toThrow('cannot predict lstm classifier: it was disposed');
  });

  it('names a bad spec and a batch that does not fit it', async () => {
    const engine = await initEngine();
    expect(() => engine.createLstmClassifier({ ...spec, hiddenUnits: 0 })).toThrow('cannot create lstm classifier: hiddenUnits must be an integer >= 1, got 0');
    expect(() => engine.createLstmClassifier({ ...spec, learningRate: -1 })).toThrow('cannot create lstm classifier: learningRate must be a finite number > 0, got -1');
    const classifier = engine.createLstmClassifier(spec);
    try {
      expect(() => classifier.predict(new Int32Array(4))).toThrow('cannot predict lstm classifier: windows hold 4 symbols, expected a whole number of windows of 3');
      expect(() => classifier.predict(Int32Array.of(0, 1, 4))).toThrow('cannot predict lstm classifier: symbol 4 at 2 is outside [0, 4)');
      expect(() => classifier.trainStep(Int32Array.of(0, 1, 2), new Float32Array(3), new Float32Array(1))).toThrow('cannot train lstm classifier: targets hold 3 values, expected 1 rows of 4');
      expect(classifier.predict(new Int32Array(0))).toHaveLength(0);
    } finally {
      classifier.dispose();
    }
  });

  it('loads the LSTM kernels, wasm SIMD unless asked for the JavaScript ones, and runs every kind on either', async () => {
    const wasm = await initEngine();
    expect(['wasm-simd', 'js']).toContain(wasm.lstmKernels);
    const js = await initEngine({ lstmKernels: 'js' });
    expect(js.lstmKernels).toBe('js');
    const configs: ModelConfig[] = [
      { kind: 'lstm-forecaster', window: 6, horizon: 2, features: 2, units: 5, layers: 2, quantiles: [0.1, 0.5, 0.9], normalization: { center: [0, 0], scale: [1, 1] }, seed: 1 },
      { kind: 'lstm-autoencoder', window: 6, features: 2, units: 5, normalization: { center: [0, 0], scale: [1, 1] }, seed: 2 },
      { kind: 'deeplog', window: 6, vocabularySize: 2, units: 5, layers: 2, seed: 3 },
      { kind: 'dense-autoencoder', features: 12, hidden: [3], normalization: { center: Array(12).fill(0), scale: Array(12).fill(1) }, seed: 4 },
    ];
    const inputs = Float32Array.from({ length: 3 * 12 }, (_, i) => (i * 7) % 2);
    for (const config of configs) {
      const a = wasm.createModel(config);
      const b = js.createModel(config);
      const expected = a.predict(inputs.subarray(0, 3 * a.inputLength), 3);
      const actual = b.predict(inputs.subarray(0, 3 * b.inputLength), 3);
      for (let i = 0; i < expected.length; i++) expect(actual[i], `${config.kind} output ${i}`).toBeCloseTo(expected[i]!, 5);
      a.dispose();
      b.dispose();
    }
  });

  it('names a bad model config', async () => {
    const engine = await initEngine();
    expect(() => engine.createModel({ kind: 'deeplog', window: 0, vocabularySize: 3, units: 4, layers: 1, seed: 1 })).toThrow('cannot create model deeplog: window must be an integer >= 1, got 0');
  });
});
