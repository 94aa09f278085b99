import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The partition worker's entry: `partition-worker.js` next to this module in built code. From
 * TypeScript sources (tests, `tsx`) this module's own URL ends in `.ts`; Node 20 does not apply
 * `--import` loaders to a worker's entry script (nodejs/node#47747), so the entry is then a small
 * bootstrap that registers tsx's ESM hooks and imports `partition-worker.ts`. `override` replaces the
 * script imported (tests use it to inject faults).
 */
export function partitionWorkerUrl(override?: URL): URL {
  const fromSources = import.meta.url.endsWith('.ts');
  const target = override ?? new URL(fromSources ? './partition-worker.ts' : './partition-worker.js', import.meta.url);
  if (!fromSources) return target;
  const code = `const { register } = await import(${JSON.stringify(tsxEsmApiUrl())}); register(); await import(${JSON.stringify(target.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** tsx's ESM registration API, found through tsx's own package exports. */
function tsxEsmApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
}
