import { vi } from 'vitest';
import { buildProgram } from './main.js';

/** Runs `vigil <args>` in this process and returns what it printed on stdout. */
export async function vigilStdout(args: readonly string[]): Promise<string> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'vigil', ...args]);
  } finally {
    write.mockRestore();
  }
  return chunks.join('');
}
