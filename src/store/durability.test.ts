import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DuckDbStorage } from './duckdb-storage.js';

const SCRIPT = fileURLToPath(new URL('./testdata/append-then-wait.ts', import.meta.url));
const POINTS = 300_100;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-durability-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until it prints "acked", SIGKILLs it at once, and waits for it to die. */
async function appendThenKill(file: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, file, String(POINTS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (stdout.includes('acked\n')) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before acking: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');
}

it('keeps every acknowledged point when the process is killed with SIGKILL', async () => {
  const file = path.join(dir, 'vigil.duckdb');
  await appendThenKill(file);

  const storage = new DuckDbStorage({ path: file, flushIntervalMs: 10, flushMaxPoints: 100_000, maxFutureMs: 86_400_000 });
  await storage.start();
  try {
    expect(storage.stats()).toMatchObject({ seriesCount: 2, committedPoints: POINTS });
    const small = storage.seriesByKey('durable.small');
    const large = storage.seriesByKey('durable.large;host=a');
    expect([small?.id, large?.id]).toEqual([0, 1]);
    const all = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, stepMs: Number.MAX_SAFE_INTEGER };
    expect(Array.from((await storage.query({ seriesId: 0, ...all, agg: 'count' })).values)).toEqual([100]);
    expect(Array.from((await storage.query({ seriesId: 1, ...all, agg: 'count' })).values)).toEqual([POINTS - 100]);
    expect(Array.from((await storage.query({ seriesId: 1, ...all, agg: 'sum' })).values)).toEqual([((POINTS - 101) * (POINTS - 100)) / 2]);
  } finally {
    await storage.stop();
  }
});
