import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { loadModelArtifact, saveModelArtifact } from './artifact.js';
import { loadLstmKernels } from './kernels/index.js';
import type { LstmKernels, LstmKernelsName } from './kernels/index.js';
import { buildLstmClassifier } from './lstm-classifier.js';
import type { LstmClassifier, LstmClassifierSpec } from './lstm-classifier.js';
import type { ModelConfig, TrainableModel } from './model.js';
import { buildModel } from './models/registry.js';
import { readVersion } from '../../util/index.js';

type Tf = typeof tfjs;

/** The tensor backends Vigil runs on: TensorFlow.js's WebAssembly backend, or its plain JavaScript one. */
export type EngineBackend = 'wasm' | 'cpu';

/** Where the engine reports a fallback; a pino logger fits. */
export interface EngineLogger {
  warn(fields: object, message: string): void;
}

export interface EngineOptions {
  /** Backend to try first; 'cpu' skips WebAssembly. Default 'wasm'. */
  readonly backend?: EngineBackend;
  /** LSTM kernels to try first; 'js' skips WebAssembly. Default 'wasm-simd'. */
  readonly lstmKernels?: LstmKernelsName;
  /** Receives the reason when the wasm backend or the wasm LSTM kernels cannot start. Default: one line on stderr. */
  readonly logger?: EngineLogger;
}

/**
 * The tensor library behind one small typed surface, so the rest of Vigil never imports TensorFlow.js. The backend
 * is process-wide (TensorFlow.js keeps one): the latest initEngine decides it for every engine in the process.
 */
export interface Engine {
  readonly backend: EngineBackend;
  /** True when the wasm backend runs its SIMD build. */
  readonly simd: boolean;
  /** The LSTM kernels the LSTM model kinds run on ('wasm-simd', or 'js' as the fallback), for reports. */
  readonly lstmKernels: LstmKernelsName;
  createLstmClassifier(spec: LstmClassifierSpec): LstmClassifier;
  /**
   * A model of one of the built-in kinds with seeded initial parameters. Throws on a bad config, naming the field and
   * the value: `cannot create model lstm-forecaster: window must be an integer >= 1, got 0`.
   */
  createModel(config: ModelConfig): TrainableModel;
  /**
   * Writes the model's config and parameters to the artifact directory `dir` (created if missing) in TensorFlow.js's
   * format: `model.json` and `weights.bin` (little-endian float32). Replaces an existing artifact atomically.
   */
  saveModel(model: TrainableModel, dir: string): Promise<void>;
  /** Reads an artifact written by saveModel into a new model that predicts bit for bit what the saved one did. */
  loadModel(dir: string): Promise<TrainableModel>;
  /** Tensors the library holds now: weights, optimiser state and anything leaked. */
  tensorCount(): number;
}

class TfEngine implements Engine {
  readonly lstmKernels: LstmKernelsName;

  constructor(
    private readonly tf: Tf,
    readonly backend: EngineBackend,
    readonly simd: boolean,
    private readonly kernels: LstmKernels,
  ) {
    this.lstmKernels = kernels.name;
  }

  createLstmClassifier(spec: LstmClassifierSpec): LstmClassifier {
    return buildLstmClassifier(this.tf, spec);
  }

  createModel(config: ModelConfig): TrainableModel {
    return buildModel({ tf: this.tf, lstmKernels: this.kernels }, config);
  }

  saveModel(model: TrainableModel, dir: string): Promise<void> {
    return saveModelArtifact(model, dir, `vigil ${readVersion()}`);
  }

  loadModel(dir: string): Promise<TrainableModel> {
    return loadModelArtifact(dir, (config) => this.createModel(config));
  }

  tensorCount(): number {
    return this.tf.memory().numTensors;
  }
}

const stderrLogger: EngineLogger = {
  warn(fields, message) {
    process.stderr.write(`vigil: ${message}: ${JSON.stringify(fields)}\n`);
  },
};

/** Starts the wasm backend; returns why it cannot, or undefined when it runs. */
async function startWasm(tf: Tf): Promise<string | undefined> {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') return 'WebAssembly is not available in this runtime';
  try {
    // Registers the 'wasm' backend with the same tfjs-core that @tensorflow/tfjs re-exports.
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return `cannot load @tensorflow/tfjs-backend-wasm: ${err instanceof Error ? err.message : String(err)}`;
  }
  // Under Node the backend's CommonJS build finds its .wasm files beside itself (__dirname), so no setWasmPaths;
  // checking one here turns a missing file into a named reason instead of tfjs's generic failure.
  const distDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const binary = join(distDir, 'tfjs-backend-wasm.wasm');
  if (!existsSync(binary)) return `missing ${binary}`;
  if (!(await tf.setBackend('wasm'))) return 'the wasm backend failed to initialise';
  return undefined;
}

/**
 * Loads TensorFlow.js (on first use, so commands that train nothing do not pay for it) and selects the wasm backend,
 * SIMD when the runtime has it; falls back to the cpu backend with the reason logged. Loads the LSTM kernels too:
 * WebAssembly SIMD unless asked for 'js', falling back to the TypeScript ones with the reason logged.
 */
export async function initEngine(options: EngineOptions = {}): Promise<Engine> {
  const tf = await import('@tensorflow/tfjs');
  const logger = options.logger ?? stderrLogger;
  const kernels = await loadLstmKernels(options.lstmKernels ?? 'wasm-simd', { logger });
  // Production mode drops tfjs's per-op debug checks and its console advice to install tfjs-node, which cannot be
  // installed here (ADR 0006); Vigil logs what matters itself.
  tf.enableProdMode();
  if ((options.backend ?? 'wasm') === 'wasm') {
    const reason = await startWasm(tf);
    if (reason === undefined) return new TfEngine(tf, 'wasm', (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true, kernels);
    logger.warn({ reason }, 'tensor engine falls back to the cpu backend');
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('cannot initialise tensor engine: the cpu backend failed to start');
  return new TfEngine(tf, 'cpu', false, kernels);
}
