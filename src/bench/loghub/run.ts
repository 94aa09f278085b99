import { TemplateMiner, type MinerConfig } from '../../logs/index.js';
import { loadLoghubSystems, type LoghubSystem } from './dataset.js';
import { scoreParsing, type LoghubScores } from './metrics.js';
import { normaliseTemplate } from './normalise.js';
import { readPublishedDrain, type AccuracyFigures } from './published.js';

export interface LoghubBenchmarkOptions {
  readonly dataDir: string;
  /** The systems already read from `dataDir`, so a caller that needs them too reads them once. */
  readonly systems?: readonly LoghubSystem[];
  /** One miner configuration for every system; defaults to the miner's. */
  readonly config?: Partial<MinerConfig>;
  /** Timed mining passes per system; the fastest counts. */
  readonly rounds?: number;
}

export interface LoghubSystemResult extends LoghubScores {
  readonly system: string;
  readonly lines: number;
  readonly miningMs: number;
  readonly linesPerSecond: number;
  readonly publishedDrain: AccuracyFigures | null;
}

export interface LoghubBenchmarkResult {
  readonly systems: readonly LoghubSystemResult[];
  readonly mean: AccuracyFigures;
  /** Drain's published figures averaged over the same systems (those that have them). */
  readonly publishedDrainMean: AccuracyFigures | null;
  /** All lines over the summed fastest mining time of each system: parsing only, no I/O or scoring. */
  readonly linesPerSecond: number;
}

function mineOnce(system: LoghubSystem, config: Partial<MinerConfig> | undefined): { miner: TemplateMiner; handles: Int32Array; ms: number } {
  const miner = new TemplateMiner(config);
  const handles = new Int32Array(system.contents.length);
  const start = process.hrtime.bigint();
  for (let i = 0; i < system.contents.length; i++) handles[i] = miner.add(system.contents[i]!);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { miner, handles, ms };
}

export function meanFigures(items: readonly AccuracyFigures[]): AccuracyFigures {
  const avg = (pick: (f: AccuracyFigures) => number): number => items.reduce((s, f) => s + pick(f), 0) / items.length;
  return { GA: avg((f) => f.GA), FGA: avg((f) => f.FGA), PA: avg((f) => f.PA), FTA: avg((f) => f.FTA) };
}

/** Mines each system's messages as a stream with one configuration and scores them as Loghub-2.0 does. */
export function runLoghubBenchmark(options: LoghubBenchmarkOptions): LoghubBenchmarkResult {
  const rounds = Math.max(1, options.rounds ?? 10);
  const published = readPublishedDrain(options.dataDir);
  const loaded = options.systems ?? loadLoghubSystems(options.dataDir);
  // One untimed pass over every system first: no system is timed while the miner's code is still being compiled.
  for (const system of loaded) mineOnce(system, options.config);
  const systems = loaded.map((system): LoghubSystemResult => {
    let run = mineOnce(system, options.config);
    let fastestMs = run.ms;
    for (let r = 1; r < rounds; r++) {
      run = mineOnce(system, options.config);
      fastestMs = Math.min(fastestMs, run.ms);
    }
    const normalised = new Map<number, string>();
    const parsed = Array.from(run.handles, (handle) => {
      let text = normalised.get(handle);
      if (text === undefined) normalised.set(handle, (text = normaliseTemplate(run.miner.template(handle))));
      return text;
    });
    const lines = system.contents.length;
    return {
      system: system.name,
      lines,
      ...scoreParsing(system.templates, parsed),
      miningMs: fastestMs,
      linesPerSecond: lines / (fastestMs / 1000),
      publishedDrain: published.get(system.name) ?? null,
    };
  });
  const withPublished = systems.flatMap((s) => (s.publishedDrain === null ? [] : [s.publishedDrain]));
  const totalLines = systems.reduce((s, r) => s + r.lines, 0);
  const totalMs = systems.reduce((s, r) => s + r.miningMs, 0);
  return {
    systems,
    mean: meanFigures(systems),
    publishedDrainMean: withPublished.length === 0 ? null : meanFigures(withPublished),
    linesPerSecond: totalLines / (totalMs / 1000),
  };
}
