import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { buildLstmClassifier } from './lstm-classifier.js';
import type { LstmClassifier, LstmClassifierSpec } from './lstm-classifier.js';

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
  /** Receives the reason when the wasm backend cannot start. Default: one line on stderr. */
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
  createLstmClassifier(spec: LstmClassifierSpec): LstmClassifier;
  /** Tensors the library holds now: weights, optimiser state and anything leaked. */
  tensorCount(): number;
}

class TfEngine implements Engine {
  constructor(
    private readonly tf: Tf,
    readonly backend: EngineBackend,
    readonly simd: boolean,
  ) {}

  createLstmClassifier(spec: LstmClassifierSpec): LstmClassifier {
    return buildLstmClassifier(this.tf, spec);
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
 * SIMD when the runtime has it; falls back to the cpu backend with the reason logged.
 */
export async function initEngine(options: EngineOptions = {}): Promise<Engine> {
  const tf = await import('@tensorflow/tfjs');
  // Production mode drops tfjs's per-op debug checks and its console advice to install tfjs-node, which cannot be
  // installed here (ADR 0006); Vigil logs what matters itself.
  tf.enableProdMode();
  if ((options.backend ?? 'wasm') === 'wasm') {
    const reason = await startWasm(tf);
    if (reason === undefined) return new TfEngine(tf, 'wasm', (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true);
    (options.logger ?? stderrLogger).warn({ reason }, 'tensor engine falls back to the cpu backend');
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('cannot initialise tensor engine: the cpu backend failed to start');
  return new TfEngine(tf, 'cpu', false);
}
