import { join } from 'node:path';
import {
  formatIngestResult,
  formatLoghubReport,
  formatLogsResult,
  formatNabReport,
  formatTrainBench,
  loadLoghubSystems,
  loghubJsonReport,
  nabJsonReport,
  runDrain3Comparison,
  runIngestBench,
  runLoghubBenchmark,
  runLogsBench,
  runNabBenchmark,
  runTrainBench,
  scoreNabResults,
  trainBenchJson,
  writeNabResults,
  INGEST_PROTOCOLS,
  LOG_PROTOCOLS,
  type Drain3Outcome,
  type IngestProtocol,
  type LogProtocol,
} from '../bench/index.js';
import { MODEL_KINDS, type ModelKind } from '../ml/engine/index.js';
import { TRAIN_TRANSPORTS, type TrainTransport } from '../ml/train/index.js';
import { PACKAGE_ROOT } from '../server/index.js';

export interface IngestBenchFlags {
  readonly protocol: IngestProtocol;
  readonly series: number;
  readonly pointsPerSeries: number;
  readonly connections: number;
  readonly detection: boolean;
  /** False with --no-victoria-metrics. */
  readonly victoriaMetrics: boolean;
  readonly json: boolean;
  readonly data?: string;
  readonly serverCpuProf?: string;
}

/** Commander parser of bench ingest's --protocol: graphite or remote-write. */
export function parseIngestProtocol(text: string): IngestProtocol {
  if (!(INGEST_PROTOCOLS as readonly string[]).includes(text)) throw new Error(`cannot parse protocol ${JSON.stringify(text)}: expected one of ${INGEST_PROTOCOLS.join(', ')}`);
  return text as IngestProtocol;
}

/**
 * `vigil bench ingest`: a Graphite or remote write load into a spawned server, and the same load into
 * VictoriaMetrics (built from source into a scratch folder) unless --no-victoria-metrics.
 */
export async function benchIngestCommand(flags: IngestBenchFlags): Promise<void> {
  const result = await runIngestBench({
    binPath: join(PACKAGE_ROOT, 'bin', 'vigil.js'),
    protocol: flags.protocol,
    series: flags.series,
    pointsPerSeries: flags.pointsPerSeries,
    connections: flags.connections,
    detection: flags.detection,
    victoriaMetrics: flags.victoriaMetrics,
    note: (line) => process.stderr.write(`${line}\n`),
    ...(flags.data === undefined ? {} : { data: flags.data }),
    ...(flags.serverCpuProf === undefined ? {} : { serverCpuProfileDir: flags.serverCpuProf }),
  });
  if ('skipped' in result.victoriaMetrics && flags.victoriaMetrics) process.stderr.write(`VictoriaMetrics skipped: ${result.victoriaMetrics.skipped}\n`);
  process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${formatIngestResult(result)}\n`);
}

export interface LogsBenchFlags {
  readonly protocol: LogProtocol;
  /** Default: 200,000 synthetic records, or every line of --data once. */
  readonly records?: number;
  readonly hosts: number;
  readonly connections: number;
  readonly data?: string;
  readonly serverCpuProf?: string;
  readonly json: boolean;
}

/** Commander parser of --protocol: hec, syslog or api. */
export function parseLogProtocol(text: string): LogProtocol {
  if (!(LOG_PROTOCOLS as readonly string[]).includes(text)) throw new Error(`cannot parse protocol ${JSON.stringify(text)}: expected one of ${LOG_PROTOCOLS.join(', ')}`);
  return text as LogProtocol;
}

/** `vigil bench logs`: a log load over HEC, syslog or the HTTP API into a spawned server; records per second durable and peak memory. */
export async function benchLogsCommand(flags: LogsBenchFlags): Promise<void> {
  const result = await runLogsBench({
    binPath: join(PACKAGE_ROOT, 'bin', 'vigil.js'),
    protocol: flags.protocol,
    records: flags.records,
    hosts: flags.hosts,
    connections: flags.connections,
    ...(flags.data === undefined ? {} : { data: flags.data }),
    ...(flags.serverCpuProf === undefined ? {} : { serverCpuProfileDir: flags.serverCpuProf }),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${formatLogsResult(result)}\n`);
}

export interface NabBenchFlags {
  readonly data: string;
  readonly detector?: string;
  readonly params?: string;
  readonly scoreResults?: string;
  readonly threshold?: number;
  readonly out?: string;
  readonly json: boolean;
}

/** Commander parser of --threshold: a finite number. */
export function parseThreshold(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`cannot parse threshold ${JSON.stringify(text)}: expected a number`);
  return value;
}

function parseParamsFlag(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`cannot parse --params: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** `vigil bench nab`: run a detector over a NAB corpus and score it, or score another detector's results files. */
export function benchNabCommand(flags: NabBenchFlags): void {
  if (flags.scoreResults === undefined) {
    if (flags.threshold !== undefined) throw new Error('cannot run bench nab: --threshold applies to --score-results only');
    const result = runNabBenchmark({ dataDir: flags.data, detectorId: flags.detector, params: parseParamsFlag(flags.params) });
    if (flags.out !== undefined) writeNabResults(flags.out, result.detector, result.corpus, result.anomalyScores);
    process.stdout.write(flags.json ? `${JSON.stringify(nabJsonReport(result))}\n` : `${formatNabReport(result)}\n`);
    return;
  }
  if (flags.out !== undefined || flags.params !== undefined) throw new Error('cannot score results: --out and --params apply to a detector run, not to --score-results');
  const t = flags.threshold;
  const result = scoreNabResults({
    dataDir: flags.data,
    resultsDir: flags.scoreResults,
    detectorName: flags.detector,
    thresholds: t === undefined ? undefined : { standard: t, reward_low_FP_rate: t, reward_low_FN_rate: t },
  });
  process.stdout.write(flags.json ? `${JSON.stringify(nabJsonReport(result))}\n` : `${formatNabReport(result)}\n`);
}

export interface LoghubBenchFlags {
  readonly data: string;
  readonly json: boolean;
  /** False with --no-drain3. */
  readonly drain3: boolean;
}

/**
 * `vigil bench loghub`: Vigil's miner over Loghub-2.0's 2k samples, and Drain3 (installed from PyPI into a
 * scratch virtual environment) on the same lines beside it unless --no-drain3: with the configuration Drain3
 * ships as an example (it masks values, as Vigil does) and with none.
 */
export function benchLoghubCommand(flags: LoghubBenchFlags): void {
  const systems = loadLoghubSystems(flags.data);
  const result = runLoghubBenchmark({ dataDir: flags.data, systems });
  const note = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const off: Drain3Outcome = { skipped: 'turned off by --no-drain3' };
  // Drain3 as it ships its example (masking values, like Vigil), and bare: the fastest it runs.
  const drain3 = flags.drain3 ? runDrain3Comparison(systems, result, { note, config: 'example' }) : off;
  const drain3Default = flags.drain3 && !('skipped' in drain3) ? runDrain3Comparison(systems, result, { note, config: 'default' }) : drain3;
  process.stdout.write(flags.json ? `${JSON.stringify(loghubJsonReport(result, drain3, drain3Default))}\n` : `${formatLoghubReport(result, drain3, drain3Default)}\n`);
}

export interface TrainBenchFlags {
  readonly model: string;
  readonly workers: readonly number[];
  readonly batchSize: number;
  readonly steps: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly transport: string;
  readonly data?: string;
  /** False with --no-torch. */
  readonly torch: boolean;
  readonly json: boolean;
}

/** Commander parser of a comma-separated list of positive integers (`--workers 1,2,4`). */
export function parseCountList(text: string): number[] {
  const counts = text.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`cannot parse ${JSON.stringify(text)}: expected positive integers separated by commas, e.g. 1,2,4`);
  return counts;
}

/** `vigil bench train`: Vigil's data-parallel training throughput on each worker count, beside PyTorch's. */
export async function benchTrainCommand(flags: TrainBenchFlags): Promise<void> {
  if (!(MODEL_KINDS as readonly string[]).includes(flags.model)) throw new Error(`cannot benchmark training: unknown model kind ${JSON.stringify(flags.model)}; expected one of ${MODEL_KINDS.join(', ')}`);
  if (!(TRAIN_TRANSPORTS as readonly string[]).includes(flags.transport)) throw new Error(`cannot benchmark training: unknown transport ${JSON.stringify(flags.transport)}; expected one of ${TRAIN_TRANSPORTS.join(', ')}`);
  const result = await runTrainBench({
    kind: flags.model as ModelKind,
    workers: flags.workers,
    batchSize: flags.batchSize,
    steps: flags.steps,
    rounds: flags.rounds,
    warmupSteps: flags.warmup,
    transport: flags.transport as TrainTransport,
    torch: flags.torch,
    note: (line) => process.stderr.write(`${line}\n`),
    ...(flags.data === undefined ? {} : { data: flags.data }),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(trainBenchJson(result))}\n` : `${formatTrainBench(result)}\n`);
}
