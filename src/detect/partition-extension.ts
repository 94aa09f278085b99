import type { DetectorDefinition } from './detector.js';
import type { DetectedAnomaly } from './worker-protocol.js';

/**
 * What a partition worker script may add to the built-in detectors: detectors that need resources loaded
 * asynchronously before they can score (a served model), reconfigured while points flow, with findings of their own
 * (scores a shadow model produced, counters) collected after each batch and on request. The detection runner knows
 * only this shape; the extension's configuration and report are plain data it passes through.
 */
export interface PartitionExtension {
  /** Definitions added to the partition's detector registry. */
  readonly detectors: readonly DetectorDefinition[];
  /**
   * Puts a configuration in effect and returns what could not be set up (one sentence each). Points keep being
   * scored with the previous configuration until the returned promise settles.
   */
  configure(extension: unknown): Promise<string[]>;
  /**
   * Called with each batch before its points reach the detectors, so that work for many points can be done at once
   * (a served model predicts every series' next point in one forward pass); the detectors still score point by point.
   */
  beforeBatch?(seriesIds: Uint32Array, timestampsMs: Float64Array, values: Float64Array): void;
  /** Plain data the runner gathers from every partition (merged by the caller). */
  report(): unknown;
  /** Anomalies found beside the detectors' own scores since the last call (e.g. a shadow model's). */
  drainAnomalies(): DetectedAnomaly[];
}

/** Builds a worker's extension before its partition exists; `scoreThreshold` is the partition's anomaly threshold. */
export type PartitionExtensionFactory = (scoreThreshold: number) => PartitionExtension;
