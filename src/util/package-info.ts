import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Root of the installed package: two levels above this file in both src/ and dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Vigil's version, from package.json. */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
