// Microbenchmark of the LSTM kernels (not a test): effective GFLOP/s of forward + back-propagation through time for
// the shapes the forecaster trains with, per implementation, on one thread.
//
//   npx tsx src/ml/engine/kernels/bench-lstm-kernels.ts [--seconds 2] [--kernels wasm-simd,js]
//   node dist/ml/engine/kernels/bench-lstm-kernels.js   (after npm run build)
//
// FLOPs are counted as the products alone: 2·batch·(inputSize + units + 1)·4·units per step forward, three times
// that for forward + backward (the usual rule; the sigmoid/tanh work is not counted).
import { parseArgs } from 'node:util';
import { jsLstmKernels } from './lstm-js.js';
import type { LstmKernels, LstmKernelsName, LstmShape } from './lstm-kernel.js';
import { wasmLstmKernels } from './lstm-wasm.js';

const SHAPES: readonly LstmShape[] = [
  { steps: 48, batch: 32, inputSize: 1, units: 32 },
  { steps: 32, batch: 64, inputSize: 1, units: 32 },
  { steps: 48, batch: 32, inputSize: 4, units: 64 },
];

interface Timing {
  /** Medians: what a training loop sees on this machine as loaded now. */
  readonly forwardMs: number;
  readonly backwardMs: number;
  /** Minimums: the kernels' speed with a core to themselves (other processes share a busy machine). */
  readonly bestForwardMs: number;
  readonly bestBackwardMs: number;
}

function forwardFlops(shape: LstmShape): number {
  const { steps, batch, inputSize, units } = shape;
  return 2 * batch * (inputSize + units + 1) * 4 * units * steps;
}

/** Per-call times of forward and backward over `durationMs`, after a warm-up that lets V8 tier the code up. */
function measure(kernels: LstmKernels, shape: LstmShape, durationMs: number): Timing {
  const ws = kernels.workspace(shape);
  try {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return (seed / 2_147_483_648) * 2 - 1;
    };
    for (let i = 0; i < ws.x.length; i++) ws.x[i] = random();
    const scale = 1 / Math.sqrt(shape.units);
    for (let i = 0; i < ws.weights.length; i++) ws.weights[i] = random() * scale;
    for (let i = 0; i < ws.dh.length; i++) ws.dh[i] = random();
    const warmupUntil = performance.now() + Math.min(1000, durationMs / 2);
    while (performance.now() < warmupUntil) {
      ws.forward();
      ws.backward();
    }
    const forward: number[] = [];
    const backward: number[] = [];
    const until = performance.now() + durationMs;
    while (performance.now() < until || forward.length < 5) {
      const t0 = performance.now();
      ws.forward();
      const t1 = performance.now();
      ws.backward();
      const t2 = performance.now();
      forward.push(t1 - t0);
      backward.push(t2 - t1);
    }
    forward.sort((a, b) => a - b);
    backward.sort((a, b) => a - b);
    return {
      forwardMs: forward[forward.length >> 1]!,
      backwardMs: backward[backward.length >> 1]!,
      bestForwardMs: forward[0]!,
      bestBackwardMs: backward[0]!,
    };
  } finally {
    ws.dispose();
  }
}

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '2' }, kernels: { type: 'string', default: 'wasm-simd,js' } },
});
const durationMs = Number(values.seconds) * 1000;
const loaders: Record<LstmKernelsName, () => Promise<LstmKernels>> = {
  'wasm-simd': () => wasmLstmKernels(),
  js: () => Promise.resolve(jsLstmKernels()),
};

process.stdout.write('medians, and in brackets from the minimum times\n');
process.stdout.write('kernels    steps batch input units   fwd ms   bwd ms  step ms  GFLOP/s (best)  samples/s (best)\n');
for (const name of values.kernels.split(',')) {
  if (!(name in loaders)) throw new Error(`cannot run benchmark: unknown kernels ${JSON.stringify(name)}`);
  const kernels = await loaders[name as LstmKernelsName]();
  for (const shape of SHAPES) {
    const timing = measure(kernels, shape, durationMs);
    const stepMs = timing.forwardMs + timing.backwardMs;
    const bestMs = timing.bestForwardMs + timing.bestBackwardMs;
    const gflops = (ms: number): string => ((3 * forwardFlops(shape)) / (ms * 1e6)).toFixed(2);
    const samples = (ms: number): string => Math.round(shape.batch / (ms / 1000)).toString();
    const sizes = [shape.steps, shape.batch, shape.inputSize, shape.units].map((v) => String(v).padStart(5));
    const times = [timing.forwardMs, timing.backwardMs, stepMs].map((v) => v.toFixed(3).padStart(8));
    process.stdout.write(
      `${name.padEnd(10)} ${sizes.join(' ')} ${times.join(' ')} ${gflops(stepMs).padStart(8)} (${gflops(bestMs)}) ` +
        `${samples(stepMs).padStart(10)} (${samples(bestMs)})\n`,
    );
  }
}
