import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Environment variable naming the .cpuprofile file that cpu-profile-preload writes. */
export const CPU_PROFILE_FILE_VARIABLE = 'VIGIL_BENCH_CPU_PROFILE_FILE';

/**
 * An environment for a child Node process that profiles its CPU into `<dir>/<name>-<time>.cpuprofile`
 * (NODE_OPTIONS may not hold --cpu-prof, so a preload module does it through node:inspector).
 */
export function cpuProfileEnv(dir: string, name: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const preload = new URL('./cpu-profile-preload.js', import.meta.url).href;
  const inherited = process.env['NODE_OPTIONS'] ?? '';
  return {
    ...process.env,
    NODE_OPTIONS: `${inherited} --import ${JSON.stringify(preload)}`.trim(),
    [CPU_PROFILE_FILE_VARIABLE]: join(resolve(dir), `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`),
  };
}
