import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Python peers of the benchmarks (Drain3, PyTorch) live in scratch virtual environments under the system's temporary
 * directory: installed from PyPI on first use, reused afterwards, never committed and never in node_modules.
 */
export interface PythonVenvOptions {
  /** The virtual environment, reused when its Python already imports every module of `imports`. */
  readonly venvDir: string;
  /** pip requirement specifiers installed when a module is missing, e.g. `drain3==0.9.11`. */
  readonly packages: readonly string[];
  /** Modules the environment must have to count as ready, e.g. `drain3`; checked by importing them after an install. */
  readonly imports: readonly string[];
  /** Python that creates the virtual environment; `python3` unless given. */
  readonly python?: string;
  /** Limit on pip's run; large wheels (PyTorch pulls gigabytes) need more than the default 10 minutes. */
  readonly installTimeoutMs?: number;
  /** Progress notes (creating, installing); none by default. */
  readonly note?: (line: string) => void;
}

/** A Python that imports what was asked for, or why there is none (a sentence naming the failing command). */
export type PythonVenv = { readonly python: string } | { readonly skipped: string };

const DEFAULT_INSTALL_TIMEOUT_MS = 600_000;
const CREATE_TIMEOUT_MS = 300_000;
const CHECK_TIMEOUT_MS = 120_000;

/** A tool's error output as one line: its last error line (pip's `ERROR: ...`, Python's `...Error: ...`), else all of it, shortened. */
export function oneLine(text: string | null | undefined, fallback: string): string {
  const lines = (text ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return fallback;
  const error = lines.findLast((l) => /^(error\b|\w*(Error|Exception)\b)/i.test(l));
  const all = error ?? lines.join(' ');
  return all.length > 300 ? `${all.slice(0, 297)}...` : all;
}

/** The interpreter inside a virtual environment. */
export function venvPython(venvDir: string): string {
  return process.platform === 'win32' ? join(venvDir, 'Scripts', 'python.exe') : join(venvDir, 'bin', 'python');
}

/**
 * Whether `python` exists and finds every module without importing it: PyTorch takes seconds to import, and a
 * broken install still fails the peer's run with Python's own error.
 */
export function pythonFinds(python: string, modules: readonly string[]): boolean {
  if (!existsSync(python)) return false;
  const code = `import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
  return spawnSync(python, ['-c', code], { stdio: 'ignore', timeout: CHECK_TIMEOUT_MS }).status === 0;
}

/** Whether `python` imports every module (one interpreter start for all of them). */
function pythonImports(python: string, modules: readonly string[]): boolean {
  const code = modules.map((m) => `import ${m}`).join('; ');
  return spawnSync(python, ['-c', code], { stdio: 'ignore', timeout: CHECK_TIMEOUT_MS }).status === 0;
}

/**
 * A Python with the packages: the virtual environment's, created with `python -m venv` and filled with
 * `pip install <packages>` when it lacks a module; idempotent, so a second call only looks for the modules. Anything
 * missing or failing (no Python, no venv module, no network for pip) gives the reason instead of an error.
 */
export function ensurePythonVenv(options: PythonVenvOptions): PythonVenv {
  const { venvDir, packages, imports } = options;
  const python = venvPython(venvDir);
  if (pythonFinds(python, imports)) return { python };
  if (!existsSync(python)) {
    const base = options.python ?? 'python3';
    options.note?.(`creating a Python virtual environment in ${venvDir}`);
    const created = spawnSync(base, ['-m', 'venv', venvDir], { encoding: 'utf8', timeout: CREATE_TIMEOUT_MS });
    if (created.error !== undefined) return { skipped: `cannot run ${base}: ${created.error.message}` };
    if (created.status !== 0) {
      // A half-made environment (no pip, say) would only fail again next time.
      rmSync(venvDir, { recursive: true, force: true });
      return { skipped: `cannot create a virtual environment with ${base} -m venv: ${oneLine(created.stderr, `exit status ${String(created.status)}`)}` };
    }
  }
  const wanted = packages.join(' ');
  options.note?.(`installing ${wanted} from PyPI into ${venvDir}`);
  const installed = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--retries', '1', '--timeout', '30', ...packages], {
    encoding: 'utf8',
    timeout: options.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS,
  });
  if (installed.error !== undefined) return { skipped: `cannot run pip in ${venvDir}: ${installed.error.message}` };
  if (installed.status !== 0) return { skipped: `cannot install ${wanted}: ${oneLine(installed.stderr, `pip exit status ${String(installed.status)}`)}` };
  if (!pythonImports(python, imports)) return { skipped: `cannot import ${imports.join(', ')} after installing ${wanted} into ${venvDir}` };
  return { python };
}
