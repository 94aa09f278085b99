export { runIngestBench, formatIngestResult } from './ingest.js';
export type { IngestBenchOptions, IngestBenchResult } from './ingest.js';
export { spawnServer, freePort, waitForReady } from './spawn-server.js';
export type { SpawnedServer } from './spawn-server.js';
export {
  loadNabCorpus,
  runNabBenchmark,
  scoreNabResults,
  scoreNabCorpus,
  writeNabResults,
  readNabResults,
  formatNabReport,
  nabJsonReport,
  NAB_PROFILE_NAMES,
  PUBLISHED_NAB_RESULTS,
} from './nab/index.js';
export type {
  NabCorpus,
  NabFile,
  NabProfileName,
  NabScores,
  NabBenchmarkOptions,
  NabBenchmarkResult,
  NabResultsScoringOptions,
  NabResultsScore,
  NabJsonReport,
  PerProfile,
} from './nab/index.js';
export { loadHdfsSessions, runHdfsBenchmark, runHdfsOnSessions, detectionQuality, formatHdfsReport, hdfsJsonReport, HDFS_FILES, HDFS_METHOD_IDS, PUBLISHED_HDFS_F1 } from './hdfs/index.js';
export type { HdfsSessions, HdfsBenchmarkResult, HdfsMethodResult, HdfsJsonReport, Confusion, DetectionQuality } from './hdfs/index.js';
export { loadTcpdDatasets, runTcpdBenchmark, formatTcpdReport, tcpdJsonReport, parsePublishedTable, readPublishedTcpd, PUBLISHED_TCPD_MEANS, TCPD_FILES } from './tcpd/index.js';
export type { TcpdDataset, TcpdBenchmarkOptions, TcpdBenchmarkResult, TcpdSeriesResult, TcpdJsonReport, PublishedTcpd, PublishedTable } from './tcpd/index.js';
export {
  runLoghubBenchmark,
  loghubJsonReport,
  formatLoghubReport,
  normaliseTemplate,
  groupingAccuracy,
  parsingAccuracy,
  templateAccuracy,
  scoreParsing,
  loadLoghubSystems,
} from './loghub/index.js';
export type { LoghubBenchmarkOptions, LoghubBenchmarkResult, LoghubSystemResult, LoghubJsonReport, LoghubScores, AccuracyFigures } from './loghub/index.js';
export { runDrain3Comparison, defaultDrain3VenvDir, DRAIN3_PACKAGE } from './loghub/index.js';
export type { Drain3Options, Drain3Outcome, Drain3Comparison, LoghubDrain3Json } from './loghub/index.js';
export { runLogsBench, formatLogsResult, DEFAULT_LOG_BENCH_RECORDS } from './logs-ingest.js';
export type { LogsBenchOptions, LogsBenchResult } from './logs-ingest.js';
export { syntheticLogLines, recordedLogLines, readLogFileLines, fleetHosts } from './log-lines.js';
export type { BenchLogLine, LogLinesOptions, RecordedLinesOptions } from './log-lines.js';
export { buildLogLoad, hecEnvelope, syslogFrame, apiLogLine, LOG_PROTOCOLS } from './log-load.js';
export type { LogLoad, LogLoadOptions, LogProtocol } from './log-load.js';
export { LOG_SHAPES, HOST_ROLES } from './log-shapes.js';
export type { LogShape, HostRole } from './log-shapes.js';
export { INGEST_PROTOCOLS } from './ingest.js';
export type { IngestProtocol, VictoriaMetricsIngestResult, VictoriaMetricsOutcome } from './ingest.js';
export { syntheticRemoteWriteLoad, sendRemoteWrite, DEFAULT_SERIES_PER_REQUEST } from './remote-write-load.js';
export type { RemoteWriteLoad } from './remote-write-load.js';
export { WriteRequestEncoder, encodeLabels, snappyLiteralBlock } from './remote-write-encoder.js';
export { prepareVictoriaMetrics, defaultVictoriaMetricsDir, parseVictoriaMetricsVersion, parseGoModDownload, VICTORIA_METRICS_MODULE, VICTORIA_METRICS_VERSION } from './victoria-metrics-build.js';
export type { VictoriaMetricsBuildOptions, VictoriaMetricsBinary } from './victoria-metrics-build.js';
export { startVictoriaMetrics, timeVictoriaMetricsLoad } from './victoria-metrics.js';
export type { RunningVictoriaMetrics, VictoriaMetricsTimings } from './victoria-metrics.js';
export { parseVictoriaMetricsCounts } from './victoria-metrics-counts.js';
export type { VictoriaMetricsCounts, VictoriaMetricsIngestType } from './victoria-metrics-counts.js';
export { formatTrainBench, runTrainBench, trainBenchJson } from './train/index.js';
export type { TrainBenchOptions, TrainBenchResult, TrainBenchRow } from './train/index.js';
export { ALLREDUCE_TRANSPORTS, DEFAULT_ALLREDUCE_SIZES_BYTES, formatAllreduceResult, runAllreduceBench } from './allreduce.js';
export type { AllreduceBenchOptions, AllreduceBenchResult, AllreduceBenchRow, AllreduceTransport } from './allreduce.js';
