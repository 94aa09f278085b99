export { loadHdfsSessions, HDFS_FILES } from './data.js';
export type { HdfsSessions } from './data.js';
export { detectionQuality } from './metrics.js';
export type { Confusion, DetectionQuality } from './metrics.js';
export { runHdfsBenchmark, runHdfsOnSessions, HDFS_METHOD_IDS } from './run-benchmark.js';
export type { HdfsBenchmarkResult, HdfsMethodResult } from './run-benchmark.js';
export { formatHdfsReport, hdfsJsonReport } from './report.js';
export type { HdfsJsonReport } from './report.js';
export { PUBLISHED_HDFS_F1, PUBLISHED_PEER } from './published.js';
