import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLstmKernels } from './index.js';
import { jsLstmKernels } from './lstm-js.js';
import { fillInputs, relativeError, runLstmKernelsSuite } from './lstm-kernels.testsuite.js';
import { defaultWasmPaths, wasmLstmKernels } from './lstm-wasm.js';
import type { WasmLstmKernels } from './lstm-wasm.js';

const SOURCE = fileURLToPath(new URL('./wasm/lstm.as.ts', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('../../../../scripts/build-wasm.mjs', import.meta.url));

/** `npm test` builds first; a bare `vitest run` after editing the kernels (or on a fresh clone) compiles them here. */
function ensureCompiled(): void {
  const built = defaultWasmPaths().find((p) => existsSync(p));
  if (built !== undefined && statSync(built).mtimeMs >= statSync(SOURCE).mtimeMs) return;
  execFileSync(process.execPath, [BUILD_SCRIPT], { stdio: 'inherit' });
}

ensureCompiled();

runLstmKernelsSuite('wasm-simd', () => wasmLstmKernels());

describe('wasm-simd LSTM kernels', () => {
  let kernels: WasmLstmKernels;
  beforeAll(async () => {
    kernels = await wasmLstmKernels();
  });

  it('agree with the js kernels within 1e-5 on a training-sized shape', () => {
    const js = jsLstmKernels();
    for (const shape of [
      { steps: 48, batch: 32, inputSize: 3, units: 33 },
      { steps: 48, batch: 32, inputSize: 1, units: 32 },
      { steps: 20, batch: 17, inputSize: 8, units: 64 },
    ]) {
      const a = kernels.workspace(shape);
      const b = js.workspace(shape);
      fillInputs(a, 3);
      fillInputs(b, 3);
      a.forward();
      b.forward();
      a.backward();
      b.backward();
      const label = JSON.stringify(shape);
      expect(relativeError(a.h, b.h), `h ${label}`).toBeLessThan(1e-5);
      expect(relativeError(a.dx, b.dx), `dx ${label}`).toBeLessThan(1e-5);
      expect(relativeError(a.dWeights, b.dWeights), `dWeights ${label}`).toBeLessThan(1e-5);
      a.dispose();
      b.dispose();
    }
  });

  it('reuses disposed workspaces memory instead of reserving more', () => {
    const shape = { steps: 48, batch: 32, inputSize: 4, units: 64 };
    kernels.workspace(shape).dispose();
    const reserved = kernels.reservedBytes();
    for (let i = 0; i < 200; i++) {
      const a = kernels.workspace(shape);
      const b = kernels.workspace({ ...shape, steps: 1 + (i % 48) });
      a.x[0] = i;
      b.dispose();
      a.dispose();
    }
    expect(kernels.reservedBytes()).toBeLessThanOrEqual(2 * reserved);
  });

  it('keeps at most idleMemories disposed memories', async () => {
    const small = await wasmLstmKernels({ idleMemories: 1 });
    const shape = { steps: 10, batch: 4, inputSize: 1, units: 8 };
    const live = [small.workspace(shape), small.workspace(shape), small.workspace(shape)];
    const perWorkspace = small.reservedBytes() / 3;
    for (const ws of live) ws.dispose();
    expect(small.reservedBytes()).toBeLessThanOrEqual(perWorkspace);
  });

  it('reports a missing module by path and loadLstmKernels falls back to js with the reason', async () => {
    await expect(wasmLstmKernels({ wasmPath: '/nonexistent/lstm.wasm' })).rejects.toThrow(
      'cannot load LSTM kernels: no /nonexistent/lstm.wasm (npm run build compiles it)',
    );
    const warnings: { fields: object; message: string }[] = [];
    const fallback = await loadLstmKernels('wasm-simd', {
      wasmPath: '/nonexistent/lstm.wasm',
      logger: { warn: (fields, message) => warnings.push({ fields, message }) },
    });
    expect(fallback.name).toBe('js');
    expect(warnings).toEqual([
      {
        message: 'LSTM kernels fall back to plain JavaScript',
        fields: { reason: 'cannot load LSTM kernels: no /nonexistent/lstm.wasm (npm run build compiles it)' },
      },
    ]);
    expect((await loadLstmKernels()).name).toBe('wasm-simd');
    expect((await loadLstmKernels('js')).name).toBe('js');
  });

  it('rejects a module that is not the kernels', async () => {
    // A file that is not WebAssembly: the compile error is wrapped with the path.
    await expect(wasmLstmKernels({ wasmPath: SOURCE })).rejects.toThrow(`cannot load LSTM kernels from ${SOURCE}:`);
  });
});
