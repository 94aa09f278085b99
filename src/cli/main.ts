import { Command, Option } from 'commander';
import {
  ALLREDUCE_TRANSPORTS,
  formatAllreduceResult,
  formatHdfsReport,
  formatTcpdReport,
  hdfsJsonReport,
  runAllreduceBench,
  runHdfsBenchmark,
  runTcpdBenchmark,
  tcpdJsonReport,
  type AllreduceTransport,
} from '../bench/index.js';
import { ENV_VARIABLES } from '../config/index.js';
import { DEFAULT_DETECTOR_ID } from '../detect/index.js';
import { MODEL_KINDS } from '../ml/engine/index.js';
import { MODEL_ALIASES, ROLLOUT_MODES } from '../ml/registry/index.js';
import { OPTIMIZER_KINDS, TRAIN_TRANSPORTS } from '../ml/train/index.js';
import { CHANGE_POINT_METHOD_IDS, changePointMethod, DEFAULT_CHANGE_POINT_METHOD_ID } from '../regress/index.js';
import { readVersion } from '../server/index.js';
import {
  benchIngestCommand,
  benchLoghubCommand,
  benchLogsCommand,
  benchNabCommand,
  benchTrainCommand,
  parseCountList,
  parseIngestProtocol,
  parseLogProtocol,
  parseThreshold,
  type IngestBenchFlags,
  type LoghubBenchFlags,
  type LogsBenchFlags,
  type NabBenchFlags,
  type TrainBenchFlags,
} from './bench.js';
import { checkConfigCommand } from './check-config.js';
import { addServerFlags, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber, type ServerFlags } from './config-flags.js';
import { demoCommand, type DemoFlags } from './demo.js';
import { importCommand } from './import.js';
import { modelsAuditCommand, modelsCompareCommand, modelsListCommand, modelsPromoteCommand, modelsRollbackCommand, modelsRolloutCommand, modelsShowCommand, type ModelsFlags } from './models.js';
import { regressionsCommand, type RegressionsFlags } from './regressions.js';
import { replayCommand, type ReplayFlags } from './replay.js';
import { serveCommand } from './serve.js';
import { trainCommand, type TrainFlags } from './train.js';
import { trainAgentCommand, type TrainAgentFlags } from './train-agent.js';

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil: ingest metrics, detect anomalies as data streams in, alert with the evidence')
    .version(readVersion())
    .showHelpAfterError()
    .addHelpText('after', `\nEnvironment:\n${Object.entries(ENV_VARIABLES).map(([k, v]) => `  ${k.padEnd(20)} ${v}`).join('\n')}`);

  addServerFlags(program.command('serve').description('run Vigil with embedded storage: HTTP API and UI, Graphite, Splunk HEC and syslog listeners, log mining, detection, alerts')).action(
    async (flags: ServerFlags) => serveCommand(flags),
  );

  program
    .command('import')
    .description('send a CSV file of points (timestamp,value with --series, or series,timestamp,value), or with --logs a log file, to a running server')
    .argument('<file>', 'CSV file (NAB data files load as they are), or with --logs: JSON lines or plain text lines')
    .option('-s, --series <name>', 'series for a two-column timestamp,value file (a tagged path is fine)')
    .option('--logs', 'the file holds log lines: JSON lines (message, timestamp, host, level, ...) or plain text')
    .option('--host <name>', 'with --logs: host of lines that name none (default: this machine)')
    .option('--url <url>', 'server to send to', 'http://localhost:8080')
    .option('--token <token>', 'bearer token when the server requires one')
    .option('--batch-size <n>', 'points or log records per request', parsePositiveInt, 10_000)
    .option('--show-rejections <n>', 'how many rejected lines to print', parsePositiveInt, 20)
    .action(async (file: string, flags: { series?: string; logs?: boolean; host?: string; url: string; token?: string; batchSize: number; showRejections: number }) => {
      if (flags.logs === true && flags.series !== undefined) throw new Error('cannot import: --series is for points, not with --logs');
      process.exitCode = await importCommand(file, flags);
    });

  program
    .command('replay')
    .description('re-run detection over stored history (backfill) on a running server; results are stored idempotently')
    .requiredOption('--series <glob>', 'series to replay: a key or a Graphite glob (`*` within a node, `**` across nodes)')
    .requiredOption('--from <time>', 'start: Unix ms, ISO-8601, or relative such as -7d')
    .option('--to <time>', 'end (exclusive); default now')
    .option('--detector <id>', 'run only this detector; default: each series\' configured detectors')
    .option('--url <url>', 'server', 'http://localhost:8080')
    .option('--token <token>', 'bearer token when the server requires one')
    .action(async (flags: ReplayFlags) => {
      process.exitCode = await replayCommand(flags);
    });

  program
    .command('train')
    .description('train a model data-parallel on several workers (ring allreduce), checkpoint it, and register it as a new version')
    .requiredOption('--model <kind>', `model kind: ${MODEL_KINDS.join(', ')}`)
    .requiredOption('--data <source>', 'a CSV file (time column optional, one column per series), a file of template-id sequences (deeplog), or series:GLOB for stored series of a running server')
    .option('--workers <n>', 'ranks training in parallel', parsePositiveInt, 1)
    .option('--min-workers <n>', 'stop when fewer ranks than this are left (default 1)', parsePositiveInt)
    .option('--max-workers <n>', 'never more ranks than this (default --workers)', parsePositiveInt)
    .option('--transport <name>', `how ranks reach each other: threads (shared memory, the default) or tcp (a process per rank, a TCP ring; implied by --hosts)`)
    .option('--hosts <list>', 'run the ranks on other machines: comma-separated HOST:PORT of `vigil train-agent`s (worker i on host i mod n), linked over tcp')
    .option('--agent-token-file <file>', "with --hosts: a file holding the agents' token (see train-agent --token-file)")
    .option('--epochs <n>', 'passes over the training data', parseNonNegativeInt, 10)
    .option('--batch-size <n>', 'examples per worker per step (a step takes workers × batch size)', parsePositiveInt, 32)
    .option('--optimizer <kind>', `${OPTIMIZER_KINDS.join(' or ')}`, 'adam')
    .option('--learning-rate <rate>', 'optimiser step size', parsePositiveNumber, 0.001)
    .option('--window <n>', 'steps (or template ids) the model sees per example', parsePositiveInt)
    .option('--horizon <n>', 'lstm-forecaster: steps predicted ahead', parsePositiveInt)
    .option('--units <n>', 'LSTM units per layer', parsePositiveInt)
    .option('--layers <n>', 'stacked LSTM layers', parsePositiveInt)
    .option('--seed <n>', 'seed of the initial weights and the shuffle', parseNonNegativeInt, 1)
    .option('--checkpoint-dir <dir>', 'write a checkpoint at every commit')
    .option('--resume', 'continue from the newest checkpoint in --checkpoint-dir')
    .option('--commit-every <steps>', 'steps between commits (checkpoints, and the state a lost worker rolls back to)', parsePositiveInt, 50)
    .option('--fusion-threshold <bytes>', 'tensor fusion: pack gradients into allreduce passes of at most this many bytes (0: one per tensor)', parseNonNegativeInt, 64 * 1024 * 1024)
    .option('--fp16', 'compress gradients to half precision before they are reduced')
    .option('--timeline <file>', 'write a Chrome trace of every step (compute, allreduce phases, apply)')
    .option('--name <name>', 'registry model name (default: the model kind)')
    .option('--registry <dir>', 'model registry directory (default <data-dir>/models)')
    .option('--data-dir <dir>', "the server's data directory", './vigil-data')
    .option('--creator <name>', 'recorded as the version\'s creator (default: the login name)')
    .option('--backend <name>', 'tensor backend: wasm (default) or cpu')
    .option('--from <time>', 'series: start of the range (default -7d)')
    .option('--to <time>', 'series: end of the range (default now)')
    .option('--step <duration>', 'series: bucket width (default: the server picks)')
    .option('--url <url>', 'series: server', 'http://localhost:8080')
    .option('--token <token>', 'series: bearer token when the server requires one')
    .option('--json', 'print the result as JSON')
    .action(async (flags: TrainFlags) => {
      process.exitCode = await trainCommand(flags);
    });

  program
    .command('train-agent')
    .description('run the ranks `vigil train --hosts` places on this machine, until Ctrl-C or SIGTERM (which stop its ranks too)')
    .requiredOption('--listen <host:port>', 'where drivers connect (0.0.0.0:PORT for every interface); ranks listen on the same interface')
    .option('--advertise <host>', 'the name or address other machines reach this one at (default: the --listen host, or the name the driver connected to when listening on 0.0.0.0)')
    .option('--token-file <file>', 'a file holding a token drivers must present (their --agent-token-file); without it any driver that reaches the port is accepted')
    .option('--max-frame-bytes <n>', 'close a driver connection that sends a larger message (a launch carries the whole training set; default 1 GiB)', parsePositiveInt)
    .action(async (flags: TrainAgentFlags) => {
      process.exitCode = await trainAgentCommand(flags);
    });

  program
    .command('regressions')
    .description('what got worse: series that regressed after deploys and config changes, and shifts no event explains')
    .option('--since <time>', 'how far back: a duration (24h, 7d) or a time (Unix ms, ISO-8601)', '24h')
    .option('--service <name>', 'only events of this service and its series')
    .option('--window <duration>', 'how long before and after each event is compared (default 30m)')
    .option('--json', 'print the API answer as JSON')
    .option('--url <url>', 'server', 'http://localhost:8080')
    .option('--token <token>', 'bearer token when the server requires one')
    .action(async (flags: RegressionsFlags) => {
      process.exitCode = await regressionsCommand(flags);
    });

  const models = program
    .command('models')
    .description('the model registry: versions, the staging and production aliases, promotion, rollback and the rollout of staging (on a running server, or on a registry directory with --registry)');
  const modelsTarget = (command: Command): Command =>
    command
      .option('--url <url>', 'server', 'http://localhost:8080')
      .option('--token <token>', 'bearer token when the server requires one')
      .option('--registry <dir>', 'work on this registry directory without a server (the server keeps it in <data-dir>/models)')
      .option('--actor <name>', 'who the audit log records for a change: sent to the server as X-Vigil-Actor, or written directly with --registry (default: your user name)')
      .option('--json', 'print the answer as JSON');
  modelsTarget(models.command('list').description('every model: latest version, kind, created, creator, aliases, key metrics')).action(async (flags: ModelsFlags) => {
    process.exitCode = await modelsListCommand(flags);
  });
  modelsTarget(models.command('show').description("a model's versions, or with VERSION (a number or an alias) one version in full").argument('<name>').argument('[version]')).action(
    async (name: string, version: string | undefined, flags: ModelsFlags) => {
      process.exitCode = await modelsShowCommand(name, version, flags);
    },
  );
  modelsTarget(models.command('promote').description('point an alias at a version').argument('<name>').argument('<version>').addOption(new Option('--to <alias>', 'alias to move').choices(MODEL_ALIASES).default('production'))).action(
    async (name: string, version: string, flags: ModelsFlags & { to: string }) => {
      process.exitCode = await modelsPromoteCommand(name, version, flags);
    },
  );
  modelsTarget(models.command('rollback').description('move an alias back to the version it pointed to before its latest promotion').argument('<name>').addOption(new Option('--alias <alias>', 'alias to move back').choices(MODEL_ALIASES).default('production'))).action(
    async (name: string, flags: ModelsFlags & { alias: string }) => {
      process.exitCode = await modelsRollbackCommand(name, flags);
    },
  );
  modelsTarget(
    models
      .command('rollout')
      .description('serve the staging version beside production: off, in shadow (scored and stored, never alerting), or as a canary on a share of the series; lapses when staging moves')
      .argument('<name>')
      .argument('<mode>', ROLLOUT_MODES.join(', '))
      .option('--share <share>', 'canary only: the share of series the staging version serves, 0 < share < 1, as 0.1 or 10%'),
  ).action(async (name: string, mode: string, flags: ModelsFlags & { share?: string }) => {
    process.exitCode = await modelsRolloutCommand(name, mode, flags);
  });
  modelsTarget(models.command('compare').description("production against the rolled-out staging version on a running server: alert rates, score agreement, live and held-out error, and a verdict").argument('<name>')).action(
    async (name: string, flags: ModelsFlags) => {
      process.exitCode = await modelsCompareCommand(name, flags);
    },
  );
  modelsTarget(models.command('audit').description('the audit log: every register, promotion, rollback and rollout, oldest first').option('--model <name>', 'only this model').option('--limit <n>', 'only the newest n', parsePositiveInt)).action(
    async (flags: ModelsFlags & { model?: string; limit?: number }) => {
      process.exitCode = await modelsAuditCommand(flags);
    },
  );

  program
    .command('check-config')
    .description('validate a config file without starting anything; names every bad field')
    .argument('<file>', 'YAML config file')
    .action((file: string) => {
      process.exitCode = checkConfigCommand(file);
    });

  addServerFlags(
    program
      .command('demo')
      .description('simulate a small fleet with incidents and feed it to a running server over Graphite, or start one')
      .option('--url <url>', 'HTTP address of a running server to feed; one is started when none answers', 'http://localhost:8080')
      .option('--history <hours>', 'hours of history sent first, so baselines are warm', parsePositiveInt, 72)
      .option('--seed <n>', 'random seed of the simulation', parsePositiveInt, 42)
      .option('--duration <seconds>', 'stop the live phase after this long (default: until Ctrl-C)', parsePositiveInt),
  ).action(async (flags: DemoFlags) => demoCommand(flags));

  const bench = program.command('bench').description('benchmarks that print a figure');
  bench
    .command('ingest')
    .description('Graphite plaintext or Prometheus remote write into the store, and the same load into VictoriaMetrics: points per second, memory per series, the ratio')
    .option('--protocol <name>', 'graphite (plaintext over TCP) or remote-write (Prometheus remote write 1.0 over HTTP)', parseIngestProtocol, 'graphite' as const)
    .option('--series <n>', 'active series', parsePositiveInt, 10_000)
    .option('--points-per-series <n>', 'points sent per series', parsePositiveInt, 100)
    .option('--connections <n>', 'parallel TCP or HTTP connections (remote write: one request in flight on each, like a Prometheus shard)', parsePositiveInt, 2)
    .option('--data <path>', 'graphite: replay Graphite plaintext from a file or every file of a directory instead of the synthetic load')
    .addOption(new Option('--no-detection', 'measure with detection off'))
    .addOption(new Option('--no-victoria-metrics', 'skip VictoriaMetrics (otherwise built from its Go module into a scratch folder and sent the same load)'))
    .option('--server-cpu-prof <dir>', "write the server's CPU profile (.cpuprofile, node --cpu-prof) into this directory")
    .option('--json', 'print one JSON object', false)
    .action(async (flags: IngestBenchFlags) => benchIngestCommand(flags));
  bench
    .command('logs')
    .description('log lines over Splunk HEC, syslog TCP or POST /api/v1/logs into a spawned server, mined and stored: records per second durable, MB/s, templates and peak memory')
    .option('--protocol <name>', 'hec, syslog (RFC 5424, octet-counted, TCP) or api (JSON lines)', parseLogProtocol, 'hec' as const)
    .option('--records <n>', 'records to send (default 200,000; with --data, every line of the file once)', parsePositiveInt)
    .option('--hosts <n>', 'hosts the records come from', parsePositiveInt, 50)
    .option('--connections <n>', 'parallel connections', parsePositiveInt, 4)
    .option('--data <file>', 'replay the lines of a file instead of the synthetic load: a plain log file, or a CSV file with a Content column (Loghub)')
    .option('--server-cpu-prof <dir>', "write the server's CPU profile (.cpuprofile, node --cpu-prof) into this directory")
    .option('--json', 'print one JSON object', false)
    .action(async (flags: LogsBenchFlags) => benchLogsCommand(flags));
  bench
    .command('nab')
    .description("stream every file of a NAB corpus through a detector and score it as NAB does; or score another detector's NAB results files")
    .requiredOption('--data <dir>', 'NAB corpus: data/<category>/<file>.csv, labels/combined_windows.json, config/profiles.json')
    .option('--detector <id>', `detector to run (default ${DEFAULT_DETECTOR_ID}); with --score-results, the results files' <detector>_ prefix (default: inferred)`)
    .option('--params <json>', 'detector parameters, a JSON object')
    .option('--out <dir>', 'write per-file results in NAB format: <dir>/<category>/<detector>_<file>.csv')
    .option('--score-results <dir>', 'score NAB-format results files instead of running a detector: <dir>/<category>/<detector>_<file>.csv')
    .option('--threshold <t>', 'with --score-results: score every profile at this threshold instead of optimising it', parseThreshold)
    .option('--json', 'print one JSON object', false)
    .action((flags: NabBenchFlags) => benchNabCommand(flags));
  bench
    .command('loghub')
    .description("mine templates from Loghub-2.0's 2k samples as a stream; GA, FGA, PA, FTA and lines per second beside Drain's published figures and Drain3 run on the same lines")
    .requiredOption('--data <dir>', 'Loghub data: <System>/<System>_2k.log_structured_corrected.csv, published/effectiveness_results.csv')
    .addOption(new Option('--no-drain3', 'skip Drain3 (otherwise installed from PyPI into a scratch virtual environment and run on the same lines)'))
    .option('--json', 'print one JSON object', false)
    .action((flags: LoghubBenchFlags) => benchLoghubCommand(flags));
  bench
    .command('hdfs')
    .description('sequence anomaly detectors (n-gram, PCA, invariant mining, DeepLog LSTM) on the DeepLog HDFS session split: precision, recall, F1, time')
    .requiredOption('--data <dir>', 'directory with hdfs_train, hdfs_test_normal and hdfs_test_abnormal (one session of key ids per line)')
    .option('--json', 'print one JSON object', false)
    .action(async (flags: { data: string; json: boolean }) => {
      const result = await runHdfsBenchmark({ dataDir: flags.data });
      process.stdout.write(flags.json ? `${JSON.stringify(hdfsJsonReport(result))}\n` : `${formatHdfsReport(result)}\n`);
    });
  bench
    .command('allreduce')
    .description('ring allreduce bandwidth for 4 KiB to 256 MiB messages (algbw, busbw as NCCL defines them) beside the memory-copy bandwidth measured in the same run')
    .option('--workers <n>', 'ranks in the ring (2 or more)', parsePositiveInt, 2)
    .option('--transport <name>', `${ALLREDUCE_TRANSPORTS.join(' or ')}`, 'threads')
    .option('--fp16', 'send IEEE half floats on the wire (half the bytes; algbw and busbw still count the float32 payload)', false)
    .option('--json', 'print one JSON object', false)
    .action(async (flags: { workers: number; transport: string; fp16: boolean; json: boolean }) => {
      if (!(ALLREDUCE_TRANSPORTS as readonly string[]).includes(flags.transport)) throw new Error(`cannot benchmark allreduce: unknown transport ${JSON.stringify(flags.transport)}; expected one of ${ALLREDUCE_TRANSPORTS.join(', ')}`);
      const result = await runAllreduceBench({ workers: flags.workers, transport: flags.transport as AllreduceTransport, wire: flags.fp16 ? 'float16' : 'float32', note: (line) => process.stderr.write(`${line}\n`) });
      process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${formatAllreduceResult(result)}\n`);
    });
  bench
    .command('train')
    .description('data-parallel training throughput on 1, 2, ... workers (samples/s, scaling efficiency, where the time goes) beside PyTorch on the CPU with the same model and data')
    .option('--model <kind>', `model kind: ${MODEL_KINDS.join(', ')}`, 'lstm-forecaster')
    .option('--workers <list>', 'worker counts, comma-separated', parseCountList, [1, 2])
    .option('--batch-size <n>', 'examples per worker per step', parsePositiveInt, 32)
    .option('--steps <n>', 'timed steps per round', parsePositiveInt, 100)
    .option('--rounds <n>', 'rounds of timed steps per worker count and for PyTorch, training on; the fastest counts', parsePositiveInt, 10)
    .option('--warmup <n>', 'untimed steps first', parsePositiveInt, 10)
    .option('--transport <name>', `${TRAIN_TRANSPORTS.join(' or ')}`, 'threads')
    .option('--data <path>', 'metric models: SMD directory (train/<machine>.txt) or a CSV file; deeplog: HDFS sessions directory (hdfs_train) or a sequence file; default: synthetic metrics')
    .addOption(new Option('--no-torch', 'skip PyTorch (otherwise installed from PyPI into a scratch virtual environment and run on the same model and data)'))
    .option('--json', 'print one JSON object', false)
    .action(async (flags: TrainBenchFlags) => benchTrainCommand(flags));
  bench
    .command('tcpd')
    .description("an offline change-point method on the Turing Change Point Dataset: F1 (margin 5) and Cover per series, beside TCPDBench's published default-parameter figures")
    .requiredOption('--data <dir>', 'TCPD directory: datasets/<name>.json, annotations.json, optionally published/default_{f1,cover}_combined_full.tex')
    .option('--method <id>', `change-point method: ${CHANGE_POINT_METHOD_IDS.join(', ')}`, DEFAULT_CHANGE_POINT_METHOD_ID)
    .option('--json', 'print one JSON object', false)
    .action((flags: { data: string; method: string; json: boolean }) => {
      const result = runTcpdBenchmark({ dataDir: flags.data, method: changePointMethod(flags.method) });
      process.stdout.write(flags.json ? `${JSON.stringify(tcpdJsonReport(result))}\n` : `${formatTcpdReport(result)}\n`);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
