import * as fs from 'node:fs/promises';

/** Makes a rename or a new entry in `dir` durable; not every platform can open a directory, which is not an error. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Directory fsync is unsupported here (e.g. Windows); the rename itself has happened.
  } finally {
    await handle?.close();
  }
}
