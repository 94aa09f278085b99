import { jsLstmKernels } from './lstm-js.js';
import type { LstmKernels, LstmKernelsName } from './lstm-kernel.js';
import { wasmLstmKernels } from './lstm-wasm.js';

export { checkLstmShape } from './lstm-kernel.js';
export type { LstmKernels, LstmKernelsName, LstmShape, LstmWorkspace } from './lstm-kernel.js';
export { jsLstmKernels } from './lstm-js.js';
export { defaultWasmPaths, wasmLstmKernels } from './lstm-wasm.js';
export type { WasmLstmKernels, WasmLstmKernelsOptions } from './lstm-wasm.js';

/** Where `loadLstmKernels` reports a fallback; a pino logger (or the engine's logger) fits. */
export interface LstmKernelsLogger {
  warn(fields: object, message: string): void;
}

export interface LoadLstmKernelsOptions {
  /** Receives the reason when the wasm kernels cannot load. Default: one line on stderr. */
  readonly logger?: LstmKernelsLogger;
  /** The compiled wasm kernels. Default: see `defaultWasmPaths`. */
  readonly wasmPath?: string;
}

const stderrLogger: LstmKernelsLogger = {
  warn(fields, message) {
    process.stderr.write(`vigil: ${message}: ${JSON.stringify(fields)}\n`);
  },
};

/**
 * The LSTM kernels to train with: the WebAssembly SIMD ones unless `preferred` is 'js' or they cannot load (no
 * WebAssembly or SIMD, or no compiled module), in which case the plain TypeScript ones, with the reason logged. Each
 * call compiles the module afresh; keep the result (one per worker thread) rather than calling this per model.
 */
export async function loadLstmKernels(
  preferred: LstmKernelsName = 'wasm-simd',
  options: LoadLstmKernelsOptions = {},
): Promise<LstmKernels> {
  if (preferred === 'js') return jsLstmKernels();
  try {
    return await wasmLstmKernels(options.wasmPath === undefined ? {} : { wasmPath: options.wasmPath });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    (options.logger ?? stderrLogger).warn({ reason }, 'LSTM kernels fall back to plain JavaScript');
    return jsLstmKernels();
  }
}
