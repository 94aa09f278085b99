import { readFileSync } from 'node:fs';

/** Peak resident memory (VmHWM) of process `pid` from /proc, in bytes; null off Linux or once it has exited. */
export function peakRssBytesOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}
