/**
 * The element-wise reductions of the collectives, as a tiny WebAssembly SIMD module over a shared WebAssembly.Memory.
 * A plain JavaScript loop over Float32Arrays runs at 2 to 4 ns per element here (a copy with `set` at 0.1 to 0.3), which
 * would make the reduce, not the memory, the bottleneck; f32x4 adds run at copy speed. The module is assembled from
 * bytes below (no toolchain, no dependency); its functions take byte offsets into the memory.
 */
export interface ReduceKernel {
  /** dst[i] = a[i] + b[i] for i in [0, elements); offsets in bytes, 4-byte aligned; dst may equal a or b. */
  add(dstByteOffset: number, aByteOffset: number, bByteOffset: number, elements: number): void;
  /** dst[i] = (a[i] + b[i]) / divisor, each step rounded to float32 (the mean's last step). */
  addDivide(dstByteOffset: number, aByteOffset: number, bByteOffset: number, elements: number, divisor: number): void;
  /**
   * Copies `bytes` bytes within the memory (memmove). Inside a shared memory this is about twice as fast as
   * TypedArray copyWithin or set, which V8 does word by word with relaxed atomics when the buffer is shared.
   */
  copy(dstByteOffset: number, srcByteOffset: number, bytes: number): void;
}

/** A shared WebAssembly.Memory: its buffer is a SharedArrayBuffer, and it can be posted to workers. */
export interface KernelMemory {
  readonly buffer: SharedArrayBuffer;
}

// The slice of the WebAssembly JavaScript API used here: the project compiles against lib ES2023, which does not
// declare it, and a global declaration would leak into every other module.
interface WasmApi {
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => KernelMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}

function wasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) throw new Error('cannot create reduce kernel: this runtime has no WebAssembly');
  return api;
}

/** A shared memory of at least `bytes` bytes that a ReduceKernel can work on (shared: the threads transport maps every rank's region into one). */
export function createKernelMemory(bytes: number): KernelMemory {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
  if (pages > MAX_PAGES) throw new RangeError(`cannot allocate collective memory: ${bytes} bytes is more than the 4 GiB a WebAssembly memory holds`);
  return new (wasmApi().Memory)({ initial: pages, maximum: pages, shared: true });
}

/** Whether `value` is a memory made by createKernelMemory (a handle that went through postMessage is still one). */
export function isKernelMemory(value: unknown): value is KernelMemory {
  const api = (globalThis as { WebAssembly?: { Memory?: abstract new (...args: never[]) => unknown } }).WebAssembly;
  return api?.Memory !== undefined && value instanceof api.Memory && (value as KernelMemory).buffer instanceof SharedArrayBuffer;
}

export function createReduceKernel(memory: KernelMemory): ReduceKernel {
  const api = wasmApi();
  const instance = new api.Instance(new api.Module(kernelModuleBytes()), { env: { memory } });
  const exports = instance.exports as { add: ReduceKernel['add']; addDivide: ReduceKernel['addDivide']; copy: ReduceKernel['copy'] };
  return { add: exports.add, addDivide: exports.addDivide, copy: exports.copy };
}

const WASM_PAGE_BYTES = 65_536;
const MAX_PAGES = 65_536;

// Value types and opcodes used below (WebAssembly core spec 1.0 and the fixed-width SIMD proposal).
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Add: 0x92,
  f32Div: 0x95,
  simd: 0xfd,
  bulk: 0xfc,
} as const;
/** memory.copy (bulk memory): 0xfc 10, then the destination and source memory indexes. */
const MEMORY_COPY = [OP.bulk, 10, 0, 0] as const;
const SIMD = { v128Load: [0x00], v128Store: [0x0b], f32x4Splat: [0x13], f32x4Add: [0xe4, 0x01], f32x4Div: [0xe7, 0x01] } as const;
/** Memory argument: alignment hint log2(4) (our arrays are 4-byte aligned), offset 0. */
const MEMARG = [2, 0] as const;
/** Bytes per iteration of the vector loop: four f32x4 (one 64-byte cache line). */
const UNROLL_BYTES = 64;

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, bytes: number[]): number[] => [id, ...unsignedLeb(bytes.length), ...bytes];
const vector = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
const name = (text: string): number[] => [...unsignedLeb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];

/**
 * Body of `(dst, a, b, elements[, divisor])`: a loop of four f32x4 adds per 64 bytes, then a scalar loop for the
 * remaining elements. Locals: end of the vector part, end of all, and for the divide the splatted divisor.
 */
function functionBody(divide: boolean): number[] {
  const [dst, a, b, elements, divisor] = [0, 1, 2, 3, 4];
  const vectorEnd = divide ? 5 : 4;
  const allEnd = vectorEnd + 1;
  const divisorVector = vectorEnd + 2;
  const get = (local: number): number[] => [OP.localGet, local];
  const set = (local: number): number[] => [OP.localSet, local];
  const advance = (local: number, bytes: number): number[] => [...get(local), OP.i32Const, ...signedLeb(bytes), OP.i32Add, ...set(local)];
  const at = (local: number, offset: number): number[] => [...get(local), OP.i32Const, ...signedLeb(offset), OP.i32Add];
  const simd = (op: readonly number[]): number[] => [OP.simd, ...op];
  const vectorStep = (offset: number): number[] => [
    ...at(dst, offset),
    ...at(a, offset),
    ...simd(SIMD.v128Load),
    ...MEMARG,
    ...at(b, offset),
    ...simd(SIMD.v128Load),
    ...MEMARG,
    ...simd(SIMD.f32x4Add),
    ...(divide ? [...get(divisorVector), ...simd(SIMD.f32x4Div)] : []),
    ...simd(SIMD.v128Store),
    ...MEMARG,
  ];
  const code = [
    // vectorEnd = dst + (elements & ~15) * 4; allEnd = dst + elements * 4
    ...get(dst),
    ...get(elements),
    OP.i32Const,
    ...signedLeb(-(UNROLL_BYTES / 4)),
    OP.i32And,
    OP.i32Const,
    2,
    OP.i32Shl,
    OP.i32Add,
    ...set(vectorEnd),
    ...get(dst),
    ...get(elements),
    OP.i32Const,
    2,
    OP.i32Shl,
    OP.i32Add,
    ...set(allEnd),
    ...(divide ? [...get(divisor), ...simd(SIMD.f32x4Splat), ...set(divisorVector)] : []),
    OP.block,
    0x40,
    OP.loop,
    0x40,
    ...get(dst),
    ...get(vectorEnd),
    OP.i32GeU,
    OP.brIf,
    1,
    ...[0, 16, 32, 48].flatMap(vectorStep),
    ...advance(dst, UNROLL_BYTES),
    ...advance(a, UNROLL_BYTES),
    ...advance(b, UNROLL_BYTES),
    OP.br,
    0,
    OP.end,
    OP.end,
    OP.block,
    0x40,
    OP.loop,
    0x40,
    ...get(dst),
    ...get(allEnd),
    OP.i32GeU,
    OP.brIf,
    1,
    ...get(dst),
    ...get(a),
    OP.f32Load,
    ...MEMARG,
    ...get(b),
    OP.f32Load,
    ...MEMARG,
    OP.f32Add,
    ...(divide ? [...get(divisor), OP.f32Div] : []),
    OP.f32Store,
    ...MEMARG,
    ...advance(dst, 4),
    ...advance(a, 4),
    ...advance(b, 4),
    OP.br,
    0,
    OP.end,
    OP.end,
    OP.end,
  ];
  const locals = divide ? vector([[2, I32], [1, V128]]) : vector([[2, I32]]);
  const body = [...locals, ...code];
  return [...unsignedLeb(body.length), ...body];
}

/** Body of `(dst, src, bytes)`: one memory.copy. */
function copyBody(): number[] {
  const body = [0, OP.localGet, 0, OP.localGet, 1, OP.localGet, 2, ...MEMORY_COPY, OP.end];
  return [...unsignedLeb(body.length), ...body];
}

function kernelModuleBytes(): Uint8Array {
  const params = [I32, I32, I32, I32];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(
      1,
      vector([
        [0x60, ...vector(params.map((p) => [p])), 0],
        [0x60, ...vector([...params, F32].map((p) => [p])), 0],
        [0x60, ...vector([I32, I32, I32].map((p) => [p])), 0],
      ]),
    ),
    // Imported memory: limits flag 3 = has a maximum and is shared; the maximum allows any memory createKernelMemory makes.
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x03, ...unsignedLeb(0), ...unsignedLeb(MAX_PAGES)]])),
    ...section(3, vector([[0], [1], [2]])),
    ...section(7, vector([[...name('add'), 0x00, 0], [...name('addDivide'), 0x00, 1], [...name('copy'), 0x00, 2]])),
    ...section(10, vector([functionBody(false), functionBody(true), copyBody()])),
  ]);
}
