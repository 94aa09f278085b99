// AssemblyScript, not TypeScript: compiled by scripts/build-wasm.mjs into dist/ml/engine/kernels/lstm.wasm and
// excluded from tsc. The LSTM layer's forward pass and back-propagation through time, each one call from JavaScript,
// on 128-bit SIMD (f32x4).
//
// Every pointer is a byte address in linear memory, 16-byte aligned, laid out by ../lstm-wasm.ts (`wasmLayout`).
// Sizes: S steps, B batch, I inputSize, U units; internally U is padded to Up = U rounded up to 4 and the gate
// columns are interleaved per block of 4 units ([i0..3 f0..3 g0..3 o0..3] [i4..7 ...]), so one 2-row x 16-column
// register tile holds all four gates of 4 units and the cell update runs straight out of the accumulators. Padded
// units have zero weights, so they stay at h = c = 0 and get zero gradients.
//
// Internal buffers (f32):
//   wp     [Kp, Gp]   packed weights; Kp = I + Up + 1 (input rows, hidden rows, bias row), Gp = 4 Up
//   z      [S·B, Kp]  each step's [x_t, h_{t-1}, 1]: the forward product's left operand and dW's
//   act    [S·B, Gp]  gate activations (i, f, g, o after sigmoid/tanh), interleaved
//   c, tc  [S·B, Up]  cell state and tanh of it
//   d      [B, Gp]    one step's gate pre-activation gradients, interleaved
//   wth    [Gp, Up]   hidden rows of wp transposed, so dh_{t-1} = d_t · wth reads rows, not strided columns
//   dhrec, dcnext [B, Up]  gradients flowing from step t to step t-1
//   dwp    [Kp, Gp]   dW in the packed layout before it is unpacked into the caller's

const ZERO: v128 = f32x4(0.0, 0.0, 0.0, 0.0);
const ONE: v128 = f32x4(1.0, 1.0, 1.0, 1.0);

// exp: Cephes expf. x = n ln2 + r with |r| <= ln2/2, e^r by a degree-7 polynomial (about 1 ulp), 2^n built in the
// exponent bits. Clamping to [-87, 88] keeps 2^n a normal float, so sigmoid never produces denormals (slow on x86).
const EXP_MIN: v128 = f32x4(-87.0, -87.0, -87.0, -87.0);
const EXP_MAX: v128 = f32x4(88.0, 88.0, 88.0, 88.0);
const LOG2E: v128 = f32x4(1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341);
// 1.5 * 2^23: adding it rounds to an integer (ties to even) and leaves that integer in the low mantissa bits.
const ROUNDER: v128 = f32x4(12582912.0, 12582912.0, 12582912.0, 12582912.0);
const LN2_HI: v128 = f32x4(0.693359375, 0.693359375, 0.693359375, 0.693359375);
const LN2_LO: v128 = f32x4(-2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4);
const EXP_P0: v128 = f32x4(1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4);
const EXP_P1: v128 = f32x4(1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3);
const EXP_P2: v128 = f32x4(8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3);
const EXP_P3: v128 = f32x4(4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2);
const EXP_P4: v128 = f32x4(1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1);
const EXP_P5: v128 = f32x4(5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1);
const ROUNDER_BITS: v128 = i32x4(0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000);
const EXPONENT_BIAS: v128 = i32x4(127, 127, 127, 127);

// tanh: Eigen's rational approximation x·P(x²)/Q(x²) (degrees 13/6), within 3.7e-7 relative of tanh over all normal
// floats (about 3 ulp; Cephes' exp-based tanhf is 1.3e-7 but needs two thirds more instructions, and with tanh twice
// per cell the forward pass was 20% slower). Dividing before multiplying by x keeps tiny inputs from underflowing.
// Past the clamp it returns ±0.99999976.
const TANH_CLAMP: v128 = f32x4(7.99881172180175781, 7.99881172180175781, 7.99881172180175781, 7.99881172180175781);
const TANH_CLAMP_NEG: v128 = f32x4(-7.99881172180175781, -7.99881172180175781, -7.99881172180175781, -7.99881172180175781);
const TANH_P1: v128 = f32x4(4.89352455891786e-3, 4.89352455891786e-3, 4.89352455891786e-3, 4.89352455891786e-3);
const TANH_P3: v128 = f32x4(6.37261928875436e-4, 6.37261928875436e-4, 6.37261928875436e-4, 6.37261928875436e-4);
const TANH_P5: v128 = f32x4(1.48572235717979e-5, 1.48572235717979e-5, 1.48572235717979e-5, 1.48572235717979e-5);
const TANH_P7: v128 = f32x4(5.12229709037114e-8, 5.12229709037114e-8, 5.12229709037114e-8, 5.12229709037114e-8);
const TANH_P9: v128 = f32x4(-8.60467152213735e-11, -8.60467152213735e-11, -8.60467152213735e-11, -8.60467152213735e-11);
const TANH_P11: v128 = f32x4(2.00018790482477e-13, 2.00018790482477e-13, 2.00018790482477e-13, 2.00018790482477e-13);
const TANH_P13: v128 = f32x4(-2.76076847742355e-16, -2.76076847742355e-16, -2.76076847742355e-16, -2.76076847742355e-16);
const TANH_Q0: v128 = f32x4(4.89352518554385e-3, 4.89352518554385e-3, 4.89352518554385e-3, 4.89352518554385e-3);
const TANH_Q2: v128 = f32x4(2.26843463243900e-3, 2.26843463243900e-3, 2.26843463243900e-3, 2.26843463243900e-3);
const TANH_Q4: v128 = f32x4(1.18534705686654e-4, 1.18534705686654e-4, 1.18534705686654e-4, 1.18534705686654e-4);
const TANH_Q6: v128 = f32x4(1.19825839466702e-6, 1.19825839466702e-6, 1.19825839466702e-6, 1.19825839466702e-6);

@inline function expv(x: v128): v128 {
  // pmin/pmax are one instruction each on x86 where min/max need several (for NaN and -0 rules); in this order
  // a NaN input is passed through, so a diverging model still shows NaN.
  const xc = f32x4.pmin(f32x4.pmax(x, EXP_MIN), EXP_MAX);
  const t = f32x4.add(f32x4.mul(xc, LOG2E), ROUNDER);
  const n = f32x4.sub(t, ROUNDER);
  let r = f32x4.sub(xc, f32x4.mul(n, LN2_HI));
  r = f32x4.sub(r, f32x4.mul(n, LN2_LO));
  let p = f32x4.add(f32x4.mul(EXP_P0, r), EXP_P1);
  p = f32x4.add(f32x4.mul(p, r), EXP_P2);
  p = f32x4.add(f32x4.mul(p, r), EXP_P3);
  p = f32x4.add(f32x4.mul(p, r), EXP_P4);
  p = f32x4.add(f32x4.mul(p, r), EXP_P5);
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), ONE);
  const scale = i32x4.shl(i32x4.add(i32x4.sub(t, ROUNDER_BITS), EXPONENT_BIAS), 23);
  return f32x4.mul(p, scale);
}

@inline function sigmoidv(x: v128): v128 {
  return f32x4.div(ONE, f32x4.add(ONE, expv(f32x4.neg(x))));
}

@inline function tanhv(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, TANH_CLAMP_NEG), TANH_CLAMP);
  const x2 = f32x4.mul(xc, xc);
  let p = f32x4.add(f32x4.mul(TANH_P13, x2), TANH_P11);
  p = f32x4.add(f32x4.mul(p, x2), TANH_P9);
  p = f32x4.add(f32x4.mul(p, x2), TANH_P7);
  p = f32x4.add(f32x4.mul(p, x2), TANH_P5);
  p = f32x4.add(f32x4.mul(p, x2), TANH_P3);
  p = f32x4.add(f32x4.mul(p, x2), TANH_P1);
  let q = f32x4.add(f32x4.mul(TANH_Q6, x2), TANH_Q4);
  q = f32x4.add(f32x4.mul(q, x2), TANH_Q2);
  q = f32x4.add(f32x4.mul(q, x2), TANH_Q0);
  return f32x4.mul(f32x4.div(p, q), xc);
}

@inline function paddedUnits(units: i32): i32 {
  return (units + 3) & ~3;
}

/** Start of the heap: the loader lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** 4 floats of a row of `units` floats from unit `u` on, zeros past the row's end (rows need not be 4-aligned). */
@inline function loadUnits(row: usize, u: i32, units: i32): v128 {
  const p = row + (<usize>u << 2);
  if (u + 4 <= units) return v128.load(p);
  let v = ZERO;
  const left = units - u;
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (left > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (left > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first lanes of `v` that fall inside a row of `units` floats. */
@inline function storeUnits(row: usize, u: i32, units: i32, v: v128): void {
  const p = row + (<usize>u << 2);
  if (u + 4 <= units) {
    v128.store(p, v);
    return;
  }
  const left = units - u;
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (left > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (left > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** The caller's `[I + U + 1, 4U]` weights into the padded, interleaved `[Kp, Gp]` layout. */
function packWeights(inputSize: i32, units: i32, w: usize, wp: usize): void {
  const up = paddedUnits(units);
  const kh = inputSize + up;
  const g = units << 2;
  const gp = up << 2;
  for (let k = 0; k <= kh; k++) {
    // Source row: an input row, a hidden row (none for padded units), or the bias row.
    let src = -1;
    if (k < inputSize) src = k;
    else if (k < kh) src = k - inputSize < units ? k : -1;
    else src = inputSize + units;
    const dst = wp + (<usize>(k * gp) << 2);
    for (let col = 0; col < gp; col++) {
      const u = ((col >> 4) << 2) + (col & 3);
      const gate = (col >> 2) & 3;
      const value: f32 = src >= 0 && u < units ? load<f32>(w + (<usize>(src * g + gate * units + u) << 2)) : 0;
      store<f32>(dst + (<usize>col << 2), value);
    }
  }
}

/** The packed `[Kp, Gp]` dW back into the caller's `[I + U + 1, 4U]` layout. */
function unpackWeights(inputSize: i32, units: i32, dwp: usize, dw: usize): void {
  const up = paddedUnits(units);
  const kh = inputSize + up;
  const g = units << 2;
  const gp = up << 2;
  const rows = inputSize + units + 1;
  for (let r = 0; r < rows; r++) {
    const k = r <= inputSize + units - 1 ? r : kh;
    const src = dwp + (<usize>(k * gp) << 2);
    const dst = dw + (<usize>(r * g) << 2);
    for (let gate = 0; gate < 4; gate++) {
      for (let u = 0; u < units; u++) {
        const col = ((u >> 2) << 4) + (gate << 2) + (u & 3);
        store<f32>(dst + (<usize>(gate * units + u) << 2), load<f32>(src + (<usize>col << 2)));
      }
    }
  }
}

/** Cell update for one row and 4 units from the gates' pre-activations; stores everything backward needs. */
@inline function cellUpdate(
  ai: v128, af: v128, ag: v128, ao: v128,
  row: i32, blk: i32, inputSize: i32, units: i32, up: i32, kp: i32, gp: i32,
  actT: usize, cT: usize, tcT: usize, cPrev: usize, hT: usize, zNext: usize,
): void {
  const i = sigmoidv(ai);
  const f = sigmoidv(af);
  const g = tanhv(ag);
  const o = sigmoidv(ao);
  const cell = <usize>(row * up + (blk << 2)) << 2;
  const cp = cPrev != 0 ? v128.load(cPrev + cell) : ZERO;
  const cNew = f32x4.add(f32x4.mul(f, cp), f32x4.mul(i, g));
  const tcNew = tanhv(cNew);
  const h = f32x4.mul(o, tcNew);
  const a = actT + (<usize>(row * gp + (blk << 4)) << 2);
  v128.store(a, i);
  v128.store(a, f, 16);
  v128.store(a, g, 32);
  v128.store(a, o, 48);
  v128.store(cT + cell, cNew);
  v128.store(tcT + cell, tcNew);
  if (zNext != 0) v128.store(zNext + (<usize>(row * kp + inputSize + (blk << 2)) << 2), h);
  storeUnits(hT + (<usize>(row * units) << 2), blk << 2, units, h);
}

/**
 * Forward pass over all steps. Reads `x` `[S, B, I]` and `w` `[I + U + 1, 4U]`; writes `h` `[S, B, U]` and the
 * internal buffers backward needs.
 */
export function forward(
  steps: i32, batch: i32, inputSize: i32, units: i32,
  x: usize, w: usize, h: usize,
  wp: usize, z: usize, act: usize, c: usize, tc: usize,
): void {
  const up = paddedUnits(units);
  const kh = inputSize + up;
  const kp = kh + 1;
  const gp = up << 2;
  const blocks = up >> 2;
  packWeights(inputSize, units, w, wp);

  // z rows: the step's input, h_{t-1} (zero at t = 0; later steps get it from the step before), and the bias's 1.
  const rows = steps * batch;
  for (let r = 0; r < rows; r++) {
    const zr = z + (<usize>(r * kp) << 2);
    const xr = x + (<usize>(r * inputSize) << 2);
    for (let k = 0; k < inputSize; k++) store<f32>(zr + (<usize>k << 2), load<f32>(xr + (<usize>k << 2)));
    if (r < batch) memory.fill(zr + (<usize>inputSize << 2), 0, <usize>up << 2);
    store<f32>(zr + (<usize>kh << 2), 1.0);
  }

  const zRowBytes = <usize>kp << 2;
  const wRowBytes = <usize>gp << 2;
  const biasRow = wp + <usize>kh * wRowBytes;
  for (let t = 0; t < steps; t++) {
    const first = t * batch;
    const zT = z + <usize>first * zRowBytes;
    const zNext = t + 1 < steps ? z + <usize>(first + batch) * zRowBytes : 0;
    const actT = act + (<usize>(first * gp) << 2);
    const cT = c + (<usize>(first * up) << 2);
    const tcT = tc + (<usize>(first * up) << 2);
    const cPrev = t > 0 ? c + (<usize>((first - batch) * up) << 2) : 0;
    const hT = h + (<usize>(first * units) << 2);
    // h_{-1} = 0: the first step multiplies only the input rows.
    const depth = t == 0 ? inputSize : kh;

    let b = 0;
    for (; b + 2 <= batch; b += 2) {
      const z0 = zT + <usize>b * zRowBytes;
      const z1 = z0 + zRowBytes;
      for (let blk = 0; blk < blocks; blk++) {
        const col = <usize>blk << 6;
        let pw = wp + col;
        const bias = biasRow + col;
        let a00 = v128.load(bias);
        let a01 = v128.load(bias, 16);
        let a02 = v128.load(bias, 32);
        let a03 = v128.load(bias, 48);
        let a10 = a00;
        let a11 = a01;
        let a12 = a02;
        let a13 = a03;
        let pz = <usize>0;
        const end = <usize>depth << 2;
        for (; pz < end; pz += 4) {
          const w0 = v128.load(pw);
          const w1 = v128.load(pw, 16);
          const w2 = v128.load(pw, 32);
          const w3 = v128.load(pw, 48);
          const x0 = v128.load32_splat(z0 + pz);
          const x1 = v128.load32_splat(z1 + pz);
          a00 = f32x4.add(a00, f32x4.mul(x0, w0));
          a01 = f32x4.add(a01, f32x4.mul(x0, w1));
          a02 = f32x4.add(a02, f32x4.mul(x0, w2));
          a03 = f32x4.add(a03, f32x4.mul(x0, w3));
          a10 = f32x4.add(a10, f32x4.mul(x1, w0));
          a11 = f32x4.add(a11, f32x4.mul(x1, w1));
          a12 = f32x4.add(a12, f32x4.mul(x1, w2));
          a13 = f32x4.add(a13, f32x4.mul(x1, w3));
          pw += wRowBytes;
        }
        cellUpdate(a00, a01, a02, a03, b, blk, inputSize, units, up, kp, gp, actT, cT, tcT, cPrev, hT, zNext);
        cellUpdate(a10, a11, a12, a13, b + 1, blk, inputSize, units, up, kp, gp, actT, cT, tcT, cPrev, hT, zNext);
      }
    }
    if (b < batch) {
      const z0 = zT + <usize>b * zRowBytes;
      for (let blk = 0; blk < blocks; blk++) {
        const col = <usize>blk << 6;
        let pw = wp + col;
        const bias = biasRow + col;
        let a00 = v128.load(bias);
        let a01 = v128.load(bias, 16);
        let a02 = v128.load(bias, 32);
        let a03 = v128.load(bias, 48);
        const end = <usize>depth << 2;
        for (let pz = <usize>0; pz < end; pz += 4) {
          const x0 = v128.load32_splat(z0 + pz);
          a00 = f32x4.add(a00, f32x4.mul(x0, v128.load(pw)));
          a01 = f32x4.add(a01, f32x4.mul(x0, v128.load(pw, 16)));
          a02 = f32x4.add(a02, f32x4.mul(x0, v128.load(pw, 32)));
          a03 = f32x4.add(a03, f32x4.mul(x0, v128.load(pw, 48)));
          pw += wRowBytes;
        }
        cellUpdate(a00, a01, a02, a03, b, blk, inputSize, units, up, kp, gp, actT, cT, tcT, cPrev, hT, zNext);
      }
    }
  }
}

/**
 * C[m, n] = A[m, k] · B[k, n], added to C when `accumulate`, else overwriting it; n a multiple of 4. A's element
 * (r, j) is at `a + 4 (r aRowStride + j aDepthStride)`, so a transposed A (dW += zᵀ d) needs no copy. 4 x 8
 * register tiles: 8 accumulators, 2 loads of B and 4 broadcasts of A per step of the depth, within x86-64's 16
 * vector registers. Column strips outermost: one strip of B (depth x 8 floats) stays in L1 while every row block
 * of A passes over it.
 */
function gemm(
  m: i32, n: i32, k: i32,
  a: usize, aRowStride: i32, aDepthStride: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  accumulate: bool,
): void {
  const ars = <usize>aRowStride << 2;
  const ads = <usize>aDepthStride << 2;
  const bs = <usize>ldb << 2;
  const cs = <usize>ldc << 2;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const bCol = b + (<usize>j << 2);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const pc = c + <usize>i * cs + (<usize>j << 2);
      let c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO;
      let c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
      if (accumulate) {
        c00 = v128.load(pc);
        c01 = v128.load(pc, 16);
        c10 = v128.load(pc + cs);
        c11 = v128.load(pc + cs, 16);
        c20 = v128.load(pc + 2 * cs);
        c21 = v128.load(pc + 2 * cs, 16);
        c30 = v128.load(pc + 3 * cs);
        c31 = v128.load(pc + 3 * cs, 16);
      }
      let pa = a + <usize>i * ars;
      let pb = bCol;
      for (let kk = 0; kk < k; kk++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pa);
        const x1 = v128.load32_splat(pa + ars);
        const x2 = v128.load32_splat(pa + 2 * ars);
        const x3 = v128.load32_splat(pa + 3 * ars);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0));
        c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0));
        c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0));
        c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0));
        c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        pa += ads;
        pb += bs;
      }
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
      v128.store(pc + cs, c10);
      v128.store(pc + cs, c11, 16);
      v128.store(pc + 2 * cs, c20);
      v128.store(pc + 2 * cs, c21, 16);
      v128.store(pc + 3 * cs, c30);
      v128.store(pc + 3 * cs, c31, 16);
    }
    for (; i < m; i++) {
      const pc = c + <usize>i * cs + (<usize>j << 2);
      let c00 = accumulate ? v128.load(pc) : ZERO;
      let c01 = accumulate ? v128.load(pc, 16) : ZERO;
      let pa = a + <usize>i * ars;
      let pb = bCol;
      for (let kk = 0; kk < k; kk++) {
        const x0 = v128.load32_splat(pa);
        c00 = f32x4.add(c00, f32x4.mul(x0, v128.load(pb)));
        c01 = f32x4.add(c01, f32x4.mul(x0, v128.load(pb, 16)));
        pa += ads;
        pb += bs;
      }
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
    }
  }
  if (j < n) {
    const bCol = b + (<usize>j << 2);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const pc = c + <usize>i * cs + (<usize>j << 2);
      let c00 = accumulate ? v128.load(pc) : ZERO;
      let c10 = accumulate ? v128.load(pc + cs) : ZERO;
      let c20 = accumulate ? v128.load(pc + 2 * cs) : ZERO;
      let c30 = accumulate ? v128.load(pc + 3 * cs) : ZERO;
      let pa = a + <usize>i * ars;
      let pb = bCol;
      for (let kk = 0; kk < k; kk++) {
        const b0 = v128.load(pb);
        c00 = f32x4.add(c00, f32x4.mul(v128.load32_splat(pa), b0));
        c10 = f32x4.add(c10, f32x4.mul(v128.load32_splat(pa + ars), b0));
        c20 = f32x4.add(c20, f32x4.mul(v128.load32_splat(pa + 2 * ars), b0));
        c30 = f32x4.add(c30, f32x4.mul(v128.load32_splat(pa + 3 * ars), b0));
        pa += ads;
        pb += bs;
      }
      v128.store(pc, c00);
      v128.store(pc + cs, c10);
      v128.store(pc + 2 * cs, c20);
      v128.store(pc + 3 * cs, c30);
    }
    for (; i < m; i++) {
      const pc = c + <usize>i * cs + (<usize>j << 2);
      let c00 = accumulate ? v128.load(pc) : ZERO;
      let pa = a + <usize>i * ars;
      let pb = bCol;
      for (let kk = 0; kk < k; kk++) {
        c00 = f32x4.add(c00, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
        pa += ads;
        pb += bs;
      }
      v128.store(pc, c00);
    }
  }
}

/** Dot product of two rows of n floats, n a multiple of 8; the lanes are summed in a fixed order. */
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let s0 = ZERO;
  let s1 = ZERO;
  const end = <usize>n << 2;
  for (let p = <usize>0; p < end; p += 32) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + p), v128.load(b + p)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + p, 16), v128.load(b + p, 16)));
  }
  const s = f32x4.add(s0, s1);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
}

/**
 * Back-propagation through time after `forward` on the same buffers. Reads `dh` `[S, B, U]`; writes `dx`
 * `[S, B, I]` and `dw` `[I + U + 1, 4U]` (overwritten).
 */
export function backward(
  steps: i32, batch: i32, inputSize: i32, units: i32,
  dh: usize, dx: usize, dw: usize,
  wp: usize, z: usize, act: usize, c: usize, tc: usize,
  d: usize, wth: usize, dhrec: usize, dcnext: usize, dwp: usize,
): void {
  const up = paddedUnits(units);
  const kh = inputSize + up;
  const kp = kh + 1;
  const gp = up << 2;
  const blocks = up >> 2;

  // Transposed once per call: the recurrent product then streams rows of wth.
  for (let j = 0; j < gp; j++) {
    const dst = wth + (<usize>(j * up) << 2);
    for (let u = 0; u < up; u++) {
      store<f32>(dst + (<usize>u << 2), load<f32>(wp + (<usize>((inputSize + u) * gp + j) << 2)));
    }
  }
  memory.fill(dhrec, 0, <usize>(batch * up) << 2);
  memory.fill(dcnext, 0, <usize>(batch * up) << 2);

  for (let t = steps - 1; t >= 0; t--) {
    const first = t * batch;
    const actT = act + (<usize>(first * gp) << 2);
    const tcT = tc + (<usize>(first * up) << 2);
    const cPrev = t > 0 ? c + (<usize>((first - batch) * up) << 2) : 0;
    const dhT = dh + (<usize>(first * units) << 2);
    for (let b = 0; b < batch; b++) {
      const dhRow = dhT + (<usize>(b * units) << 2);
      for (let blk = 0; blk < blocks; blk++) {
        const cell = <usize>(b * up + (blk << 2)) << 2;
        const gates = <usize>(b * gp + (blk << 4)) << 2;
        const dhv = f32x4.add(loadUnits(dhRow, blk << 2, units), v128.load(dhrec + cell));
        const a = actT + gates;
        const i = v128.load(a);
        const f = v128.load(a, 16);
        const g = v128.load(a, 32);
        const o = v128.load(a, 48);
        const tcv = v128.load(tcT + cell);
        const cp = cPrev != 0 ? v128.load(cPrev + cell) : ZERO;
        const dc = f32x4.add(f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(ONE, f32x4.mul(tcv, tcv))), v128.load(dcnext + cell));
        const dao = f32x4.mul(f32x4.mul(dhv, tcv), f32x4.mul(o, f32x4.sub(ONE, o)));
        const dai = f32x4.mul(f32x4.mul(dc, g), f32x4.mul(i, f32x4.sub(ONE, i)));
        const dag = f32x4.mul(f32x4.mul(dc, i), f32x4.sub(ONE, f32x4.mul(g, g)));
        const daf = f32x4.mul(f32x4.mul(dc, cp), f32x4.mul(f, f32x4.sub(ONE, f)));
        v128.store(dcnext + cell, f32x4.mul(dc, f));
        const p = d + gates;
        v128.store(p, dai);
        v128.store(p, daf, 16);
        v128.store(p, dag, 32);
        v128.store(p, dao, 48);
      }
    }
    // dW += z_tᵀ d_t while d_t is in L1 (the first step processed overwrites): accumulating per step keeps the
    // working set to one step's rows instead of streaming every step's d through L2 again at the end.
    gemm(kp, gp, batch, z + (<usize>(first * kp) << 2), 1, kp, d, gp, dwp, gp, t < steps - 1);
    // dx_t = d_t · W_xᵀ: wp's input rows are interleaved like d's columns, so each element is one contiguous dot.
    for (let b = 0; b < batch; b++) {
      const dr = d + (<usize>(b * gp) << 2);
      const xr = dx + (<usize>((first + b) * inputSize) << 2);
      for (let k = 0; k < inputSize; k++) store<f32>(xr + (<usize>k << 2), dot(dr, wp + (<usize>(k * gp) << 2), gp));
    }
    // dh_{t-1} from the recurrence: d_t [B, Gp] · wth [Gp, Up]. Not needed at t = 0 (h_{-1} is a constant).
    if (t > 0) gemm(batch, up, gp, d, gp, 1, wth, up, dhrec, up, false);
  }

  unpackWeights(inputSize, units, dwp, dw);
}
