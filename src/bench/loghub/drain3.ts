import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePythonVenv, oneLine, type PythonVenv } from '../python-venv.js';
import type { LoghubSystem } from './dataset.js';
import { scoreParsing, type LoghubScores } from './metrics.js';
import { normaliseTemplate } from './normalise.js';
import type { AccuracyFigures } from './published.js';
import { meanFigures, type LoghubBenchmarkResult } from './run.js';

/** The Drain3 release the comparison installs from PyPI: pinned, so figures stay comparable. */
export const DRAIN3_PACKAGE = 'drain3==0.9.11';

/** The runner sits beside this file in the source tree; compiled files sit as deep under dist/. */
const RUNNER_PATH = fileURLToPath(new URL('../../../src/bench/loghub/drain3_runner.py', import.meta.url));

/**
 * Drain3's configurations the benchmark runs: `default` (no config file: no masking) and `example` (the
 * examples/drain3.ini Drain3 ships: masking of IDs, IPs, hex and numbers, as Vigil masks values too).
 */
export type Drain3Config = 'default' | 'example';

export interface Drain3Options {
  /** Virtual environment Drain3 is installed into, reused when it already has Drain3. */
  readonly venvDir?: string;
  /** Python that creates the virtual environment. */
  readonly python?: string;
  /** Mining passes per system; the fastest counts, as for Vigil. */
  readonly rounds?: number;
  /** Progress notes (installing, mining); none by default. */
  readonly note?: (line: string) => void;
  /** Drain3's configuration; `default` unless given. */
  readonly config?: Drain3Config;
}

export function defaultDrain3VenvDir(): string {
  return join(tmpdir(), 'vigil-bench-drain3', 'venv');
}

/** What `drain3_runner.py` prints, checked. */
export interface Drain3RunnerOutput {
  readonly drain3Version: string;
  readonly config: Readonly<Record<string, number>>;
  readonly systems: ReadonlyMap<string, { readonly lines: number; readonly seconds: number; readonly templates: readonly string[] }>;
}

export interface Drain3SystemResult extends LoghubScores {
  readonly system: string;
  readonly lines: number;
  readonly linesPerSecond: number;
  /** Vigil's lines per second over Drain3's on this system. */
  readonly ratio: number;
}

export interface Drain3Comparison {
  readonly version: string;
  /** Which configuration ran (`default` or `example`). */
  readonly configName: Drain3Config;
  readonly config: Readonly<Record<string, number>>;
  readonly systems: readonly Drain3SystemResult[];
  readonly mean: AccuracyFigures;
  /** All lines over the summed fastest mining time of each system. */
  readonly linesPerSecond: number;
  /** Vigil's lines per second over Drain3's, all systems together. */
  readonly ratio: number;
}

export type Drain3Outcome = Drain3Comparison | { readonly skipped: string };

/**
 * A Python with Drain3: the virtual environment's, created with `python3 -m venv` and filled with
 * `pip install drain3` when it lacks Drain3; or why there is none.
 */
export function ensureDrain3(options: Drain3Options = {}): PythonVenv {
  return ensurePythonVenv({ venvDir: options.venvDir ?? defaultDrain3VenvDir(), packages: [DRAIN3_PACKAGE], imports: ['drain3'], python: options.python, note: options.note });
}

function fail(why: string): never {
  throw new Error(`cannot read Drain3 runner output: ${why}`);
}

/** Checks the runner's JSON against the systems it was given: every system, one template per line. */
export function parseDrain3Output(text: string, systems: readonly LoghubSystem[]): Drain3RunnerOutput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (typeof parsed !== 'object' || parsed === null) fail('not a JSON object');
  const { drain3Version, config, systems: bySystem } = parsed as Record<string, unknown>;
  if (typeof drain3Version !== 'string') fail('drain3Version is not a string');
  if (typeof config !== 'object' || config === null || !Object.values(config).every((v) => typeof v === 'number')) fail('config is not an object of numbers');
  if (typeof bySystem !== 'object' || bySystem === null) fail('systems is not an object');
  const out = new Map<string, { lines: number; seconds: number; templates: string[] }>();
  for (const system of systems) {
    const entry = (bySystem as Record<string, unknown>)[system.name] as Record<string, unknown> | undefined;
    if (typeof entry !== 'object' || entry === null) fail(`no result for ${system.name}`);
    const { seconds, templates } = entry;
    if (typeof seconds !== 'number' || !(seconds > 0)) fail(`${system.name}.seconds ${String(seconds)} is not a positive number`);
    if (!Array.isArray(templates) || !templates.every((t) => typeof t === 'string')) fail(`${system.name}.templates is not an array of strings`);
    if (templates.length !== system.contents.length) fail(`${system.name} has ${templates.length} templates for ${system.contents.length} lines`);
    out.set(system.name, { lines: system.contents.length, seconds, templates: templates as string[] });
  }
  return { drain3Version, config: config as Record<string, number>, systems: out };
}

/** Drain3's templates scored as Vigil's are (Loghub-2.0 correction, then GA/FGA/PA/FTA), beside Vigil's speed. */
export function compareWithDrain3(systems: readonly LoghubSystem[], output: Drain3RunnerOutput, vigil: LoghubBenchmarkResult, configName: Drain3Config = 'default'): Drain3Comparison {
  const vigilSpeed = new Map(vigil.systems.map((s) => [s.system, s.linesPerSecond]));
  let totalLines = 0;
  let totalSeconds = 0;
  const results = systems.map((system): Drain3SystemResult => {
    const mined = output.systems.get(system.name)!;
    totalLines += mined.lines;
    totalSeconds += mined.seconds;
    const linesPerSecond = mined.lines / mined.seconds;
    return {
      system: system.name,
      lines: mined.lines,
      ...scoreParsing(system.templates, mined.templates.map(normaliseTemplate)),
      linesPerSecond,
      ratio: (vigilSpeed.get(system.name) ?? Number.NaN) / linesPerSecond,
    };
  });
  const linesPerSecond = totalLines / totalSeconds;
  return { version: output.drain3Version, configName, config: output.config, systems: results, mean: meanFigures(results), linesPerSecond, ratio: vigil.linesPerSecond / linesPerSecond };
}

/** Mines the systems with Drain3 in its virtual environment's Python, through `drain3_runner.py`. */
export function runDrain3(python: string, systems: readonly LoghubSystem[], rounds: number, config: Drain3Config = 'default'): Drain3RunnerOutput {
  const input = JSON.stringify({ rounds, config, systems: systems.map((s) => ({ name: s.name, contents: s.contents })) });
  const run = spawnSync(python, [RUNNER_PATH], { input, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 600_000 });
  if (run.error !== undefined) throw new Error(`cannot run ${RUNNER_PATH}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`cannot run ${RUNNER_PATH}: ${oneLine(run.stderr, `exit status ${String(run.status)}`)}`);
  return parseDrain3Output(run.stdout, systems);
}

/**
 * The Drain3 side of the Loghub benchmark: installs Drain3 when needed, mines the same lines, scores them
 * and sets Drain3's speed beside Vigil's. Anything missing or failing (no Python, no venv, no network for
 * pip, a runner error) gives the reason it was skipped instead of an error.
 */
export function runDrain3Comparison(systems: readonly LoghubSystem[], vigil: LoghubBenchmarkResult, options: Drain3Options = {}): Drain3Outcome {
  const setup = ensureDrain3(options);
  if ('skipped' in setup) return setup;
  const config = options.config ?? 'default';
  options.note?.(`mining with Drain3, ${config} configuration (${setup.python})`);
  try {
    return compareWithDrain3(systems, runDrain3(setup.python, systems, Math.max(1, options.rounds ?? 5), config), vigil, config);
  } catch (err) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  }
}
