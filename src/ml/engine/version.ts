import { readFileSync } from 'node:fs';

/** Vigil's version from package.json (three levels above this file in both src/ and dist/), for artifacts' generatedBy. */
export function readVigilVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
