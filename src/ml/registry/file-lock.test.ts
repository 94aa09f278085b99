import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LOCK, withFileLock, type FileLockOptions } from './file-lock.js';

let dir: string;
let lockPath: string;
const options: FileLockOptions = { ...DEFAULT_FILE_LOCK, timeoutMs: 2_000, pollMs: 2, what: 'test lock' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-lock-'));
  lockPath = join(dir, '.lock');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withFileLock', () => {
  it('lets one holder in at a time and removes the file after', async () => {
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withFileLock(lockPath, options, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 1));
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toHaveLength(20);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('releases on error and passes the error on', async () => {
    await expect(withFileLock(lockPath, options, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockPath)).toBe(false);
  });

  it('breaks a lock whose holder died, and one left empty long ago, but not a fresh empty one', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(lockPath, JSON.stringify({ pid: dead, hostname: hostname(), acquiredAtMs: 0, token: 'x' }));
    expect(await withFileLock(lockPath, options, async () => 'ran')).toBe('ran');

    await writeFile(lockPath, '');
    const oldS = Date.now() / 1000 - 60;
    await utimes(lockPath, oldS, oldS);
    expect(await withFileLock(lockPath, options, async () => 'ran')).toBe('ran');

    await writeFile(lockPath, '');
    await expect(withFileLock(lockPath, { ...options, timeoutMs: 100 }, async () => 'ran')).rejects.toThrow(/^cannot lock test lock: held by another process/);
  });

  it('does not break a lock held on another host, however old', async () => {
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: 'elsewhere.example', acquiredAtMs: 0, token: 'x' }));
    await expect(withFileLock(lockPath, { ...options, timeoutMs: 100 }, async () => 'ran')).rejects.toThrow(/held by pid 1 on elsewhere\.example since 1970/);
    expect(existsSync(lockPath)).toBe(true);
  });
});
