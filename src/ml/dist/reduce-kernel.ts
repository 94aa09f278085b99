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
  /**
   * IEEE half precision (see half.ts for the rounding: nearest even, overflow to ±Infinity, NaN stays NaN), four
   * values per SIMD step. Half arrays are uint16 at 2-byte aligned offsets, float arrays float32 at 4-byte aligned
   * offsets. encodeHalf: dst[i] = half(src[i]).
   */
  encodeHalf(dstByteOffset: number, srcByteOffset: number, elements: number): void;
  /** dst[i] = the float value of half src[i] (exact). */
  decodeHalf(dstByteOffset: number, srcByteOffset: number, elements: number): void;
  /** dst[i] = half(src[i]) as a float: rounds float32 values to half precision (dst may equal src). */
  roundHalf(dstByteOffset: number, srcByteOffset: number, elements: number): void;
  /** dst[i] = half(float(a[i]) + b[i]): a and dst halves (dst may equal a), b floats; the add in float32. */
  addHalf(dstByteOffset: number, aByteOffset: number, bByteOffset: number, elements: number): void;
  /** dst[i] = half((float(a[i]) + b[i]) / divisor), each step rounded to float32 before the last rounding to half. */
  addDivideHalf(dstByteOffset: number, aByteOffset: number, bByteOffset: number, elements: number, divisor: number): void;
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
  const exports = instance.exports as unknown as ReduceKernel;
  return {
    add: exports.add,
    addDivide: exports.addDivide,
    copy: exports.copy,
    encodeHalf: exports.encodeHalf,
    decodeHalf: exports.decodeHalf,
    roundHalf: exports.roundHalf,
    addHalf: exports.addHalf,
    addDivideHalf: exports.addDivideHalf,
  };
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

// Half precision, on the float32 bits x of four values at once (a = x without its sign). Encoding:
// - normal halves (2^-14 <= |x| < 65520): rebias the exponent and round the 13 dropped bits to nearest even, which is
//   (a - (112 << 23) + 0xfff + the lowest kept bit) >> 13; a carry out of the mantissa bumps the exponent. Above the
//   normal range (Infinity included) that formula gives 0x7c00 or more, so a signed min with 0x7c00 makes it Infinity,
//   and NaN (a > 0x7f800000) gets the quiet bit 0x200 on top;
// - subnormal halves and zero (|x| < 2^-14): |x| + 0.5 in float32 rounds |x| to a multiple of 2^-24 (the float32 ulp
//   at 0.5), to nearest even, so its bits minus 0.5's are the half's; magnitudes that round to 0 anyway are zeroed
//   first, so that no float32 subnormal reaches the add (x86 takes a slow microcode path for those);
// - then the sign, (x ^ a) >> 16.
// Decoding, on half bits h (m = h without its sign): a normal half's bits shifted to a float32's place, exponent
// rebiased by 112 (and by 112 more for Infinity and NaN, exponent 31 to 255); a subnormal half's mantissa, converted
// to float, times 2^-24 (again no float32 subnormal anywhere); then the sign, (h ^ m) << 16.
// Compares are signed (every operand is a magnitude, and x86 has only signed ones); constants live in locals.
const HALF_SIMD = {
  load32Splat: [0x09],
  v128Const: [0x0c],
  i32x4Splat: [0x11],
  i32x4LtS: [0x39],
  i32x4GtS: [0x3b],
  v128And: [0x4e],
  v128Or: [0x50],
  v128Xor: [0x51],
  bitselect: [0x52],
  store16Lane: [0x59],
  store32Lane: [0x5a],
  narrowI32x4U: [0x86, 0x01],
  extendLowI16x8U: [0xa9, 0x01],
  extendHighI16x8U: [0xaa, 0x01],
  i32x4Shl: [0xab, 0x01],
  i32x4ShrU: [0xad, 0x01],
  i32x4Add: [0xae, 0x01],
  i32x4Sub: [0xb1, 0x01],
  i32x4MinS: [0xb6, 0x01],
  f32x4Mul: [0xe6, 0x01],
  f32x4ConvertI32x4S: [0xfa, 0x01],
} as const;
const I32_LOAD16_U = 0x2f;
const I32_LT_U = 0x49;
const I32_EQZ = 0x45;
const I32_SUB = 0x6b;
const LOCAL_TEE = 0x22;
/** Alignment hint log2(2) for halves. */
const HALF_MEMARG = [1, 0] as const;

/** The constants of the half-precision code, each splatted into a v128 local before the loop. */
const HALF_CONSTANTS = [
  0x7fffffff, // a float's magnitude
  0x37fff001, // (112 << 23) - 0xfff: rebias and round
  1,
  0x7c00, // Infinity
  0x7f800000,
  0x200, // the quiet NaN bit
  0x33000000, // 2^-25: at most this rounds to 0
  0x3f000000, // 0.5
  0x38800000, // 2^-14: the smallest normal half
  0x7fff, // a half's magnitude
  0x38000000, // 112 << 23
  0x7bff, // the largest finite half
  0x33800000, // 2^-24
  0x400, // the smallest normal half's bits
] as const;

type HalfKind = 'encode' | 'decode' | 'round' | 'add' | 'addDivide';

/**
 * Body of a half-precision stream function: a loop of eight values per step (four for round, floats in and out), then
 * one value per step for the rest (the same lane-wise code on a splatted value, lane 0 stored). Parameters: encode,
 * decode and round (dst, src, elements), add (dst, a, b, elements), addDivide (..., divisor); byte offsets, then the
 * count. Halves are read and written with v128 loads and stores that need no alignment.
 */
function halfBody(kind: HalfKind): number[] {
  const params = kind === 'add' ? 4 : kind === 'addDivide' ? 5 : 3;
  const elements = kind === 'add' || kind === 'addDivide' ? 3 : 2;
  const [x, a, h, m, halves, divisorVector] = [params, params + 1, params + 2, params + 3, params + 4, params + 5];
  const constantBase = params + 6;
  const constant = (value: (typeof HALF_CONSTANTS)[number]): number[] => [OP.localGet, constantBase + HALF_CONSTANTS.indexOf(value)];
  const get = (local: number): number[] => [OP.localGet, local];
  const set = (local: number): number[] => [OP.localSet, local];
  const tee = (local: number): number[] => [LOCAL_TEE, local];
  const simd = (op: readonly number[]): number[] => [OP.simd, ...op];
  const shift = (op: readonly number[], count: number): number[] => [OP.i32Const, count, ...simd(op)];
  const memarg = (align: number, offset: number): number[] => [align, ...unsignedLeb(offset)];
  /** Float32 bits (i32x4 on the stack) to half bits, zero-extended into i32 lanes. */
  const encode = (value: number[]): number[] => [
    ...value,
    ...tee(x),
    ...constant(0x7fffffff),
    ...simd(HALF_SIMD.v128And),
    ...set(a),
    // Subnormal or zero.
    ...get(a),
    ...get(a),
    ...constant(0x33000000),
    ...simd(HALF_SIMD.i32x4GtS),
    ...simd(HALF_SIMD.v128And),
    ...constant(0x3f000000),
    ...simd(SIMD.f32x4Add),
    ...constant(0x3f000000),
    ...simd(HALF_SIMD.i32x4Sub),
    // Normal, Infinity past the top, the quiet bit for NaN.
    ...get(a),
    ...constant(0x37fff001),
    ...simd(HALF_SIMD.i32x4Sub),
    ...get(a),
    ...shift(HALF_SIMD.i32x4ShrU, 13),
    ...constant(1),
    ...simd(HALF_SIMD.v128And),
    ...simd(HALF_SIMD.i32x4Add),
    ...shift(HALF_SIMD.i32x4ShrU, 13),
    ...constant(0x7c00),
    ...simd(HALF_SIMD.i32x4MinS),
    ...get(a),
    ...constant(0x7f800000),
    ...simd(HALF_SIMD.i32x4GtS),
    ...constant(0x200),
    ...simd(HALF_SIMD.v128And),
    ...simd(HALF_SIMD.v128Or),
    ...get(a),
    ...constant(0x38800000),
    ...simd(HALF_SIMD.i32x4LtS),
    ...simd(HALF_SIMD.bitselect),
    ...get(x),
    ...get(a),
    ...simd(HALF_SIMD.v128Xor),
    ...shift(HALF_SIMD.i32x4ShrU, 16),
    ...simd(HALF_SIMD.v128Or),
  ];
  /** Half bits (zero-extended i32 lanes on the stack) to float32 bits. */
  const decode = (value: number[]): number[] => [
    ...value,
    ...tee(h),
    ...constant(0x7fff),
    ...simd(HALF_SIMD.v128And),
    ...set(m),
    // Subnormal or zero: the integer mantissa times 2^-24.
    ...get(m),
    ...simd(HALF_SIMD.f32x4ConvertI32x4S),
    ...constant(0x33800000),
    ...simd(HALF_SIMD.f32x4Mul),
    // Normal: rebias the exponent; Infinity and NaN: once more.
    ...get(m),
    ...shift(HALF_SIMD.i32x4Shl, 13),
    ...constant(0x38000000),
    ...simd(HALF_SIMD.i32x4Add),
    ...get(m),
    ...constant(0x7bff),
    ...simd(HALF_SIMD.i32x4GtS),
    ...constant(0x38000000),
    ...simd(HALF_SIMD.v128And),
    ...simd(HALF_SIMD.i32x4Add),
    ...get(m),
    ...constant(0x400),
    ...simd(HALF_SIMD.i32x4LtS),
    ...simd(HALF_SIMD.bitselect),
    ...get(h),
    ...get(m),
    ...simd(HALF_SIMD.v128Xor),
    ...shift(HALF_SIMD.i32x4Shl, 16),
    ...simd(HALF_SIMD.v128Or),
  ];
  const loadFloats = (pointer: number, offset: number): number[] => [...get(pointer), ...simd(SIMD.v128Load), ...memarg(2, offset)];
  const addTo = (floats: number[]): number[] => [...floats, ...simd(SIMD.f32x4Add), ...(kind === 'addDivide' ? [...get(divisorVector), ...simd(SIMD.f32x4Div)] : [])];
  /** Four values per half of eight: the low and high halves of the `halves` local. */
  const widen = (high: boolean): number[] => [...get(halves), ...simd(high ? HALF_SIMD.extendHighI16x8U : HALF_SIMD.extendLowI16x8U)];
  const loadHalves = (pointer: number): number[] => [...get(pointer), ...simd(SIMD.v128Load), ...memarg(1, 0), ...set(halves)];
  const storeHalves = (pointer: number, low: number[], high: number[]): number[] => [...get(pointer), ...low, ...high, ...simd(HALF_SIMD.narrowI32x4U), ...simd(SIMD.v128Store), ...memarg(1, 0)];
  const storeFloats = (pointer: number, offset: number, value: number[]): number[] => [...get(pointer), ...value, ...simd(SIMD.v128Store), ...memarg(2, offset)];
  const vectorStep = (): number[] => {
    switch (kind) {
      case 'encode':
        return storeHalves(0, encode(loadFloats(1, 0)), encode(loadFloats(1, 16)));
      case 'decode':
        return [...loadHalves(1), ...storeFloats(0, 0, decode(widen(false))), ...storeFloats(0, 16, decode(widen(true)))];
      case 'round':
        return storeFloats(0, 0, decode(encode(loadFloats(1, 0))));
      default:
        return [...loadHalves(1), ...storeHalves(0, encode(addTo([...decode(widen(false)), ...loadFloats(2, 0)])), encode(addTo([...decode(widen(true)), ...loadFloats(2, 16)])))];
    }
  };
  // One value: loads splat it, stores take lane 0.
  const oneFloat = (pointer: number): number[] => [...get(pointer), ...simd(HALF_SIMD.load32Splat), ...MEMARG];
  const oneHalf = (pointer: number): number[] => [...get(pointer), I32_LOAD16_U, ...HALF_MEMARG, ...simd(HALF_SIMD.i32x4Splat)];
  const storeOneFloat = (pointer: number, value: number[]): number[] => [...get(pointer), ...value, ...simd(HALF_SIMD.store32Lane), ...MEMARG, 0];
  const storeOneHalf = (pointer: number, value: number[]): number[] => [...get(pointer), ...value, ...simd(HALF_SIMD.store16Lane), ...HALF_MEMARG, 0];
  const scalarStep = (): number[] => {
    switch (kind) {
      case 'encode':
        return storeOneHalf(0, encode(oneFloat(1)));
      case 'decode':
        return storeOneFloat(0, decode(oneHalf(1)));
      case 'round':
        return storeOneFloat(0, decode(encode(oneFloat(1))));
      default:
        return storeOneHalf(0, encode(addTo([...decode(oneHalf(1)), ...oneFloat(2)])));
    }
  };
  const lanes = kind === 'round' ? 4 : 8;
  const widths = HALF_POINTER_WIDTHS[kind];
  const advance = (values: number): number[] => widths.flatMap(([pointer, bytes]) => [...get(pointer), OP.i32Const, ...signedLeb(bytes * values), OP.i32Add, ...set(pointer)]);
  const countDown = (values: number): number[] => [...get(elements), OP.i32Const, values, I32_SUB, ...set(elements)];
  const code = [
    ...HALF_CONSTANTS.flatMap((value, i) => [OP.i32Const, ...signedLeb(value), ...simd(HALF_SIMD.i32x4Splat), ...set(constantBase + i)]),
    ...(kind === 'addDivide' ? [...get(4), ...simd(SIMD.f32x4Splat), ...set(divisorVector)] : []),
    OP.block,
    0x40,
    OP.loop,
    0x40,
    ...get(elements),
    OP.i32Const,
    lanes,
    I32_LT_U,
    OP.brIf,
    1,
    ...vectorStep(),
    ...advance(lanes),
    ...countDown(lanes),
    OP.br,
    0,
    OP.end,
    OP.end,
    OP.block,
    0x40,
    OP.loop,
    0x40,
    ...get(elements),
    I32_EQZ,
    OP.brIf,
    1,
    ...scalarStep(),
    ...advance(1),
    ...countDown(1),
    OP.br,
    0,
    OP.end,
    OP.end,
    OP.end,
  ];
  const body = [...vector([[6 + HALF_CONSTANTS.length, V128]]), ...code];
  return [...unsignedLeb(body.length), ...body];
}

/** Per kind, each pointer parameter and its bytes per value (4: floats, 2: halves). */
const HALF_POINTER_WIDTHS: Record<HalfKind, readonly (readonly [number, number])[]> = {
  encode: [[0, 2], [1, 4]],
  decode: [[0, 4], [1, 2]],
  round: [[0, 4], [1, 4]],
  add: [[0, 2], [1, 2], [2, 4]],
  addDivide: [[0, 2], [1, 2], [2, 4]],
};

const HALF_EXPORTS: readonly (readonly [string, HalfKind, number])[] = [
  ['encodeHalf', 'encode', 2],
  ['decodeHalf', 'decode', 2],
  ['roundHalf', 'round', 2],
  ['addHalf', 'add', 0],
  ['addDivideHalf', 'addDivide', 1],
];

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
    ...section(3, vector([[0], [1], [2], ...HALF_EXPORTS.map(([, , type]) => [type])])),
    ...section(
      7,
      vector([
        [...name('add'), 0x00, 0],
        [...name('addDivide'), 0x00, 1],
        [...name('copy'), 0x00, 2],
        ...HALF_EXPORTS.map(([exported], i) => [...name(exported), 0x00, 3 + i]),
      ]),
    ),
    ...section(10, vector([functionBody(false), functionBody(true), copyBody(), ...HALF_EXPORTS.map(([, kind]) => halfBody(kind))])),
  ]);
}
