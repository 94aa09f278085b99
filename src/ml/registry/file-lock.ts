import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { hostname } from 'node:os';
import { ModelRegistryError } from './errors.js';

/** Written into the lock file so that a waiter can tell who holds it and whether that process is gone. */
interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly acquiredAtMs: number;
  /** Tells this holder's lock file apart from a later one with the same pid. */
  readonly token: string;
}

export interface FileLockOptions {
  /** Give up waiting after this long. */
  readonly timeoutMs: number;
  /** Pause between attempts; jittered so that waiters do not retry in step. */
  readonly pollMs: number;
  /**
   * A lock file with no readable holder (its writer died between creating and filling it) is stale once
   * it is this old; a holder that wrote its pid is stale as soon as that process is gone.
   */
  readonly unreadableStaleMs: number;
  /** What the lock guards, for the error message: "model registry /data/models". */
  readonly what: string;
}

export const DEFAULT_FILE_LOCK: Omit<FileLockOptions, 'what'> = { timeoutMs: 30_000, pollMs: 20, unreadableStaleMs: 5_000 };

/**
 * Runs `fn` holding an exclusive lock file at `lockPath`, across processes and within one: the file is
 * created with O_EXCL, so exactly one creator wins. A lock left by a process that died (same host, pid
 * gone) is broken; one held by a live process is waited for until the timeout. Released on error too.
 */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const token = await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<string> {
  const deadlineMs = Date.now() + options.timeoutMs;
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), acquiredAtMs: Date.now(), token: randomBytes(8).toString('hex') };
  for (;;) {
    const handle = await openExclusive(lockPath);
    if (handle !== null) {
      try {
        await handle.writeFile(JSON.stringify({ ...holder, acquiredAtMs: Date.now() }));
      } catch (err) {
        await handle.close();
        await fs.rm(lockPath, { force: true });
        throw err;
      }
      await handle.close();
      return holder.token;
    }
    const seen = await readLock(lockPath);
    if (seen === null) continue; // Released between our attempt and the read: try again at once.
    if (await isStale(lockPath, seen.holder, options)) {
      await breakStale(lockPath, seen.raw, options);
      continue;
    }
    if (Date.now() >= deadlineMs) {
      const who = seen.holder === null ? 'another process' : `pid ${seen.holder.pid} on ${seen.holder.hostname} since ${new Date(seen.holder.acquiredAtMs).toISOString()}`;
      throw new ModelRegistryError('busy', `cannot lock ${options.what}: held by ${who} for more than ${options.timeoutMs} ms; remove ${lockPath} if that process is gone`);
    }
    await sleep(options.pollMs * (0.5 + Math.random()));
  }
}

/** The new file, or null when it exists already. */
async function openExclusive(file: string): Promise<fs.FileHandle | null> {
  try {
    return await fs.open(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  }
}

/** Removes the lock only if it is still ours: a lock broken as stale and taken by another process is theirs. */
async function release(lockPath: string, token: string): Promise<void> {
  const seen = await readLock(lockPath);
  if (seen?.holder?.token === token) await fs.rm(lockPath, { force: true });
}

async function readLock(lockPath: string): Promise<{ raw: string; holder: LockHolder | null } | null> {
  let raw: string;
  try {
    raw = await fs.readFile(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return { raw, holder: parseHolder(raw) };
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.acquiredAtMs === 'number' && typeof value.token === 'string') return value as LockHolder;
  } catch {
    // Empty or torn: the holder died while writing it (or is writing it right now).
  }
  return null;
}

async function isStale(lockPath: string, holder: LockHolder | null, options: FileLockOptions): Promise<boolean> {
  if (holder === null) {
    try {
      return Date.now() - (await fs.stat(lockPath)).mtimeMs > options.unreadableStaleMs;
    } catch {
      return false;
    }
  }
  // Another host's pid means nothing here (a shared file system): only a timeout and a person can clear it.
  return holder.hostname === hostname() && !processAlive(holder.pid);
}

/** Whether a process with this pid runs on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes a stale lock, but only the one judged stale: two waiters may both see it, and the first may have
 * deleted it and taken a fresh lock by the time the second acts. A second O_EXCL file makes breakers take
 * turns; under it the lock's content is compared with what was judged stale before unlinking.
 */
async function breakStale(lockPath: string, staleRaw: string, options: FileLockOptions): Promise<void> {
  const breakerPath = `${lockPath}.break`;
  const handle = await openExclusive(breakerPath);
  if (handle === null) {
    // A breaker that died mid-break leaves its file; breaking takes microseconds, so an old one is abandoned.
    try {
      if (Date.now() - (await fs.stat(breakerPath)).mtimeMs > options.unreadableStaleMs) await fs.rm(breakerPath, { force: true });
    } catch {
      // Gone already.
    }
    await sleep(options.pollMs);
    return;
  }
  try {
    await handle.close();
    const current = await readLock(lockPath);
    if (current !== null && current.raw === staleRaw) await fs.rm(lockPath, { force: true });
  } finally {
    await fs.rm(breakerPath, { force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
