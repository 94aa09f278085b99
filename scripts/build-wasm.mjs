// Compiles the AssemblyScript kernels into dist/, beside the TypeScript modules that load them (`npm run build` runs
// this; the kernels' loaders also find the output from src/ when tests run the TypeScript sources). AssemblyScript is
// a dev dependency: its compiler and Binaryen are JavaScript/wasm from the npm tarballs, nothing is downloaded.
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('../', import.meta.url));

const targets = [{ source: 'src/ml/engine/kernels/wasm/lstm.as.ts', output: 'dist/ml/engine/kernels/lstm.wasm' }];

const flags = [
  '-O3',
  // Pointer-only code with no managed objects: the smallest runtime, no garbage collector.
  '--runtime', 'stub',
  '--noAssert',
  // No abort import: nothing in the kernels throws, and the loader then needs only the memory it provides.
  '--use', 'abort=',
  // The loader gives each workspace its own memory, sized for it, so views of it never detach.
  '--importMemory',
  '--enable', 'simd',
];

for (const { source, output } of targets) {
  const outPath = join(root, output);
  // Written beside the target then renamed, so a concurrent reader never sees a half-written module.
  const tmpPath = `${outPath}.${process.pid}.tmp`;
  mkdirSync(dirname(outPath), { recursive: true });
  const { error, stderr } = await asc.main([join(root, source), '--outFile', tmpPath, ...flags]);
  if (error) {
    process.stderr.write(stderr.toString());
    process.stderr.write(`build-wasm: cannot compile ${source}: ${error.message}\n`);
    process.exit(1);
  }
  renameSync(tmpPath, outPath);
  process.stdout.write(`build-wasm: ${source} -> ${output}\n`);
}
