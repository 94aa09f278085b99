import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Entry points of worker threads and child processes that work both from built code (`dist/**.js`) and from the
 * TypeScript sources (tests, `tsx`). From sources a module's own URL ends in `.ts`. Node 20 does not apply `--import`
 * loaders to a worker's entry script (nodejs/node#47747), so a worker's entry is then a small bootstrap that registers
 * tsx's ESM hooks and imports the script; a child process gets tsx's loader through `--import`.
 */

/** Whether `baseUrl` (a module's `import.meta.url`) is a TypeScript source rather than built code. */
export function isSourceModule(baseUrl: string | URL): boolean {
  return new URL(baseUrl).pathname.endsWith('.ts');
}

/**
 * The module `relativeScript` beside `baseUrl`. Scripts are named by their built name (`./worker.js`); from sources the
 * `.ts` file of the same name is meant.
 */
export function siblingModuleUrl(relativeScript: string, baseUrl: string | URL): URL {
  const script = isSourceModule(baseUrl) ? relativeScript.replace(/\.js$/, '.ts') : relativeScript;
  return new URL(script, baseUrl);
}

/**
 * What to give `new Worker(...)` to run `script`: a path relative to `baseUrl` written with its built `.js` name, or a
 * URL taken as it is (a test's fixture). From sources, the entry is a bootstrap that loads tsx first, so the script and
 * everything it imports may be TypeScript.
 */
export function workerEntryUrl(script: string | URL, baseUrl: string | URL): URL {
  const target = typeof script === 'string' ? siblingModuleUrl(script, baseUrl) : script;
  if (!isSourceModule(baseUrl)) return target;
  const code = `const { register } = await import(${JSON.stringify(tsxExportUrl('./esm/api'))}); register(); await import(${JSON.stringify(target.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** How to start a Node child process on `script`: give `path` and `execArgv` to `fork` (or `spawn(process.execPath, [...execArgv, path])`). */
export interface ProcessEntry {
  readonly path: string;
  readonly execArgv: readonly string[];
}

/** Like workerEntryUrl, for a child process: from sources, tsx's loader is preloaded with `--import`. */
export function processEntry(script: string | URL, baseUrl: string | URL): ProcessEntry {
  const target = typeof script === 'string' ? siblingModuleUrl(script, baseUrl) : script;
  const path = fileURLToPath(target);
  return isSourceModule(baseUrl) ? { path, execArgv: ['--import', tsxExportUrl('.')] } : { path, execArgv: [] };
}

/** A file of tsx's found through tsx's own package exports (its import condition where there is one). */
function tsxExportUrl(subpath: '.' | './esm/api'): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, string | { import: { default: string } }> };
  const entry = manifest.exports[subpath];
  if (entry === undefined) throw new Error(`cannot find tsx's ${subpath} entry: tsx ${manifestPath} does not export it`);
  const file = typeof entry === 'string' ? entry : entry.import.default;
  return pathToFileURL(join(dirname(manifestPath), file)).href;
}
