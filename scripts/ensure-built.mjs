// Builds the server and UI when the build output is missing or older than the sources, so that
// `npm start` works straight after `npm install` on a fresh clone.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// The wasm kernels too: a checkout built before they existed has dist/cli but no lstm.wasm.
const outputs = ['dist/cli/main.js', 'dist/ml/engine/kernels/lstm.wasm', 'ui/dist/index.html'];
const stale =
  outputs.some((f) => !existsSync(f)) ||
  Math.max(newestMtimeMs('src'), newestMtimeMs('ui')) > Math.min(...outputs.map((f) => statSync(f).mtimeMs));
if (stale) {
  process.stderr.write('vigil: building (first run or sources changed)...\n');
  execSync('npm run build', { stdio: 'inherit' });
}
