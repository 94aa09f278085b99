import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { checkLstmShape } from './lstm-kernel.js';
import type { LstmKernels, LstmShape, LstmWorkspace } from './lstm-kernel.js';

export interface WasmLstmKernelsOptions {
  /** The compiled kernels. Default: `lstm.wasm` beside this module (see `defaultWasmPaths`). */
  readonly wasmPath?: string;
  /** Disposed workspaces' memories kept for reuse by later workspaces. Default 4. */
  readonly idleMemories?: number;
}

/** The WebAssembly SIMD kernels, plus how much WebAssembly memory they hold. */
export interface WasmLstmKernels extends LstmKernels {
  /** Bytes of WebAssembly memory held by live workspaces and the idle ones kept for reuse. */
  reservedBytes(): number;
}

const DEFAULT_IDLE_MEMORIES = 4;
const PAGE_BYTES = 65_536;
/** A 32-bit WebAssembly memory addresses at most 65,536 pages. */
const MAX_PAGES = 65_536;

// The slice of the WebAssembly JavaScript API used here: the project compiles against lib ES2023, which does not
// declare it, and a global declaration would leak into every other module.
interface WasmModule {
  readonly __wasmModule: unique symbol;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => {
    readonly exports: Record<string, unknown>;
  };
}

/** Exports of lstm.wasm (wasm/lstm.as.ts). Pointers are byte addresses in the instance's memory. */
interface LstmExports {
  heapBase(): number;
  forward(
    steps: number, batch: number, inputSize: number, units: number,
    x: number, w: number, h: number,
    wp: number, z: number, act: number, c: number, tc: number,
  ): void;
  backward(
    steps: number, batch: number, inputSize: number, units: number,
    dh: number, dx: number, dw: number,
    wp: number, z: number, act: number, c: number, tc: number,
    d: number, wth: number, dhrec: number, dcnext: number, dwp: number,
  ): void;
}

/** One instance of the module with a memory of its own; a workspace owns one at a time. */
interface Slot {
  readonly memory: WasmMemory;
  readonly exports: LstmExports;
}

/** Byte offsets of a workspace's buffers in its memory (16-byte aligned for v128 loads), and the end of the last. */
interface WasmLayout {
  readonly x: number;
  readonly weights: number;
  readonly h: number;
  readonly dh: number;
  readonly dx: number;
  readonly dWeights: number;
  readonly wp: number;
  readonly z: number;
  readonly act: number;
  readonly c: number;
  readonly tc: number;
  readonly d: number;
  readonly wth: number;
  readonly dhrec: number;
  readonly dcnext: number;
  readonly dwp: number;
  readonly endBytes: number;
}

/** The buffers lstm.as.ts expects, in its padded layout: units rounded up to 4, gate blocks interleaved. */
function wasmLayout(shape: LstmShape, heapBaseBytes: number): WasmLayout {
  const { steps, batch, inputSize, units } = shape;
  const up = Math.ceil(units / 4) * 4;
  const kp = inputSize + up + 1;
  const gp = 4 * up;
  const rows = steps * batch;
  // Never at address 0: the kernels pass 0 for "no buffer" (no previous cell state at the first step).
  let cursor = Math.max(16, Math.ceil(heapBaseBytes / 16) * 16);
  const take = (floats: number): number => {
    const at = cursor;
    cursor += Math.ceil(floats / 4) * 16;
    return at;
  };
  const weightCount = (inputSize + units + 1) * 4 * units;
  return {
    x: take(rows * inputSize),
    weights: take(weightCount),
    h: take(rows * units),
    dh: take(rows * units),
    dx: take(rows * inputSize),
    dWeights: take(weightCount),
    wp: take(kp * gp),
    z: take(rows * kp),
    act: take(rows * gp),
    c: take(rows * up),
    tc: take(rows * up),
    d: take(batch * gp),
    wth: take(gp * up),
    dhrec: take(batch * up),
    dcnext: take(batch * up),
    dwp: take(kp * gp),
    endBytes: cursor,
  };
}

/**
 * Where lstm.wasm is looked for: beside this module (dist/ml/engine/kernels/, where `npm run build` compiles it),
 * and, when this module runs from its TypeScript source (vitest, tsx), in dist/ too: src/ and dist/ mirror each
 * other at the same depth, so the relative path from either file reaches dist/ml/engine/kernels/lstm.wasm.
 */
export function defaultWasmPaths(): string[] {
  const beside = fileURLToPath(new URL('./lstm.wasm', import.meta.url));
  if (!import.meta.url.endsWith('.ts')) return [beside];
  return [beside, fileURLToPath(new URL('../../../../dist/ml/engine/kernels/lstm.wasm', import.meta.url))];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function exportsOf(instance: { readonly exports: Record<string, unknown> }, path: string): LstmExports {
  for (const name of ['heapBase', 'forward', 'backward']) {
    if (typeof instance.exports[name] !== 'function') throw new Error(`cannot load LSTM kernels from ${path}: no export ${name}`);
  }
  return instance.exports as unknown as LstmExports;
}

/**
 * Compiles lstm.wasm and returns kernels that run each workspace in an instance of its own, over a memory sized for
 * that workspace: the memory never grows while the workspace lives, so its Float32Array views stay valid (growing a
 * memory detaches every view of it). Disposed workspaces' memories are kept (up to `idleMemories`) and handed to
 * later workspaces, grown if needed; the compiled module is held by the returned object, so callers that keep it
 * (one per worker thread) compile once. Rejects when WebAssembly or its SIMD is unavailable or the file is missing.
 */
export async function wasmLstmKernels(options: WasmLstmKernelsOptions = {}): Promise<WasmLstmKernels> {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (typeof api !== 'object') throw new Error('cannot load LSTM kernels: WebAssembly is not available in this runtime');
  const candidates = options.wasmPath === undefined ? defaultWasmPaths() : [options.wasmPath];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(`cannot load LSTM kernels: no ${candidates.join(' or ')} (npm run build compiles it)`);
  }
  let module: WasmModule;
  try {
    module = await api.compile(await readFile(path));
  } catch (err) {
    throw new Error(`cannot load LSTM kernels from ${path}: ${message(err)} (they need WebAssembly SIMD)`);
  }
  const instantiate = (pages: number): Slot => {
    const memory = new api.Memory({ initial: pages });
    return { memory, exports: exportsOf(new api.Instance(module, { env: { memory } }), path) };
  };
  const first = instantiate(1);
  const kernels = new WasmKernels(instantiate, first.exports.heapBase(), options.idleMemories ?? DEFAULT_IDLE_MEMORIES);
  kernels.release(first);
  return kernels;
}

class WasmKernels implements WasmLstmKernels {
  readonly name = 'wasm-simd';
  private readonly idle: Slot[] = [];
  private readonly slots = new Set<Slot>();

  constructor(
    private readonly instantiate: (pages: number) => Slot,
    private readonly heapBaseBytes: number,
    private readonly idleMemories: number,
  ) {}

  workspace(shape: LstmShape): LstmWorkspace {
    checkLstmShape(shape);
    const layout = wasmLayout(shape, this.heapBaseBytes);
    const pages = Math.ceil(layout.endBytes / PAGE_BYTES);
    if (pages > MAX_PAGES) {
      const mib = Math.ceil(layout.endBytes / 2 ** 20);
      throw new Error(`cannot create LSTM workspace: it needs ${mib} MiB, more than the 4 GiB a WebAssembly memory addresses`);
    }
    return new WasmWorkspace(shape, layout, this.take(pages, layout), (slot) => this.release(slot));
  }

  reservedBytes(): number {
    let total = 0;
    for (const slot of this.slots) total += slot.memory.buffer.byteLength;
    return total;
  }

  /** Returns a slot to the idle list, dropping the oldest idle one beyond the limit (garbage collection frees it). */
  release(slot: Slot): void {
    this.slots.add(slot);
    this.idle.push(slot);
    if (this.idle.length > this.idleMemories) this.slots.delete(this.idle.shift()!);
  }

  /** An idle slot with at least `pages` pages (the smallest such, else the largest grown), or a new one. */
  private take(pages: number, layout: WasmLayout): Slot {
    const need = pages * PAGE_BYTES;
    const size = (i: number): number => this.idle[i]!.memory.buffer.byteLength;
    let best = -1;
    for (let i = 0; i < this.idle.length; i++) {
      if (best < 0) best = i;
      else if (size(best) >= need ? size(i) >= need && size(i) < size(best) : size(i) > size(best)) best = i;
    }
    if (best < 0) {
      let slot: Slot;
      try {
        slot = this.instantiate(pages);
      } catch (err) {
        throw new Error(`cannot create LSTM workspace: ${message(err)}`);
      }
      this.slots.add(slot);
      return slot;
    }
    const slot = this.idle.splice(best, 1)[0]!;
    const have = slot.memory.buffer.byteLength / PAGE_BYTES;
    try {
      if (have < pages) slot.memory.grow(pages - have);
    } catch (err) {
      this.slots.delete(slot);
      throw new Error(`cannot create LSTM workspace: ${message(err)}`);
    }
    // A reused memory holds the previous workspace's numbers; a new workspace starts from zeros like a fresh one.
    new Uint8Array(slot.memory.buffer, this.heapBaseBytes, layout.endBytes - this.heapBaseBytes).fill(0);
    return slot;
  }
}

class WasmWorkspace implements LstmWorkspace {
  readonly x: Float32Array;
  readonly weights: Float32Array;
  readonly h: Float32Array;
  readonly dh: Float32Array;
  readonly dx: Float32Array;
  readonly dWeights: Float32Array;
  private slot: Slot | undefined;
  private forwarded = false;

  constructor(
    readonly shape: LstmShape,
    private readonly layout: WasmLayout,
    slot: Slot,
    private readonly release: (slot: Slot) => void,
  ) {
    this.slot = slot;
    const { steps, batch, inputSize, units } = shape;
    const rows = steps * batch;
    const weightCount = (inputSize + units + 1) * 4 * units;
    const buffer = slot.memory.buffer;
    this.x = new Float32Array(buffer, layout.x, rows * inputSize);
    this.weights = new Float32Array(buffer, layout.weights, weightCount);
    this.h = new Float32Array(buffer, layout.h, rows * units);
    this.dh = new Float32Array(buffer, layout.dh, rows * units);
    this.dx = new Float32Array(buffer, layout.dx, rows * inputSize);
    this.dWeights = new Float32Array(buffer, layout.dWeights, weightCount);
  }

  forward(): void {
    const slot = this.live('forward');
    const { steps, batch, inputSize, units } = this.shape;
    const l = this.layout;
    slot.exports.forward(steps, batch, inputSize, units, l.x, l.weights, l.h, l.wp, l.z, l.act, l.c, l.tc);
    this.forwarded = true;
  }

  backward(): void {
    const slot = this.live('backward');
    if (!this.forwarded) throw new Error('cannot run LSTM backward: no forward has run on this workspace');
    const { steps, batch, inputSize, units } = this.shape;
    const l = this.layout;
    slot.exports.backward(
      steps, batch, inputSize, units,
      l.dh, l.dx, l.dWeights,
      l.wp, l.z, l.act, l.c, l.tc,
      l.d, l.wth, l.dhrec, l.dcnext, l.dwp,
    );
  }

  dispose(): void {
    if (this.slot === undefined) return;
    const slot = this.slot;
    this.slot = undefined;
    this.release(slot);
  }

  private live(verb: 'forward' | 'backward'): Slot {
    if (this.slot === undefined) throw new Error(`cannot run LSTM ${verb}: the workspace was disposed`);
    return this.slot;
  }
}
