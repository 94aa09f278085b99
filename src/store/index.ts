export type { AppendResult, RangeQuery, SeriesPoints, AnomalyQuery, RetentionResult, StorageStats, Storage } from './storage.js';
export type { DuckDbStorageOptions, StorageLogger } from './duckdb-storage.js';
export { DuckDbStorage, createDuckDbStorage, DATABASE_FILE_NAME } from './duckdb-storage.js';
export { INVALID_SERIES_ID } from './series-index.js';
export type { RetentionSweeperOptions } from './retention-sweeper.js';
export { RetentionSweeper } from './retention-sweeper.js';
export type { StoredLog, LogQuery, LogStoreStats, LogStore } from './log-store.js';
