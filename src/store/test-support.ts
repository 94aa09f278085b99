import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Lifecycle } from '../util/index.js';

/** A new temporary directory whose name starts with `prefix`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * For each test of the calling describe block (or file): a fresh temporary directory, and the stores
 * started through start(), which are stopped before the directory is removed.
 */
export function storesPerTest(prefix: string): { readonly dir: () => string; start<S extends Lifecycle>(store: S): Promise<S> } {
  let dir: string | undefined;
  const stores: Lifecycle[] = [];
  beforeEach(() => {
    dir = tempDir(prefix);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.stop();
    fs.rmSync(dir!, { recursive: true, force: true });
  });
  return {
    dir: () => dir!,
    async start(store) {
      stores.push(store);
      await store.start();
      return store;
    },
  };
}

/**
 * Runs a TypeScript script in a child process and SIGKILLs it as soon as `killWhen` holds for what it
 * has printed. Resolves with all it printed, once its pipes are drained; rejects if it ends otherwise.
 */
export async function runUntilKilled(script: string, args: readonly string[], killWhen: (stdout: string) => boolean): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  let stdout = '';
  let killed = false;
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    if (!killed && killWhen(stdout)) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  // 'close' comes after the child's pipes are drained, so every line it wrote has been read.
  const ended = await new Promise<NodeJS.Signals | number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
  if (!killed || ended !== 'SIGKILL') throw new Error(`cannot run ${path.basename(script)} until killed: it ended (${ended}) on its own: ${stderr}`);
  return stdout;
}
