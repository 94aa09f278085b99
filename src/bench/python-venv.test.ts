import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePythonVenv, oneLine, pythonFinds, venvPython } from './python-venv.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-python-venv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scratch Python environments of the benchmarks', () => {
  it('keeps the line that says what went wrong', () => {
    expect(oneLine('Collecting torch\nERROR: Could not find a version that satisfies the requirement torch==9\nERROR: No matching distribution found for torch==9\n', 'x')).toBe(
      'ERROR: No matching distribution found for torch==9',
    );
    expect(oneLine('Traceback (most recent call last):\n  File "r.py", line 1\nModuleNotFoundError: No module named torch', 'x')).toBe('ModuleNotFoundError: No module named torch');
    expect(oneLine('', 'exit status 2')).toBe('exit status 2');
  });

  it('says which command failed when there is no Python to make the environment', () => {
    const venvDir = join(dir, 'missing');
    const python = join(dir, 'no-such-python3');
    expect(ensurePythonVenv({ venvDir, python, packages: ['torch'], imports: ['torch'] })).toEqual({ skipped: expect.stringMatching(/^cannot run .*no-such-python3: .*ENOENT/) as unknown as string });
    expect(pythonFinds(venvPython(venvDir), ['json'])).toBe(false);
  });

  // A stand-in environment whose Python is the system's: what it already has is used without creating or installing.
  const system = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => pythonFinds(p, ['json']));
  it.runIf(system !== undefined)('reuses an environment that already has the modules, creating and installing nothing', () => {
    const venvDir = join(dir, 'ready');
    mkdirSync(join(venvDir, 'bin'), { recursive: true });
    symlinkSync(system!, venvPython(venvDir));
    const notes: string[] = [];
    const options = { venvDir, packages: ['no-such-package-of-vigil'], imports: ['json'], note: (line: string) => notes.push(line) };
    expect(ensurePythonVenv(options)).toEqual({ python: venvPython(venvDir) });
    expect(ensurePythonVenv(options)).toEqual({ python: venvPython(venvDir) });
    expect(notes).toEqual([]);
    expect(pythonFinds(venvPython(venvDir), ['json', 'no_such_module_of_vigil'])).toBe(false);
  });
});
