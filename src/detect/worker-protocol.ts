import type { DetectorUse } from '../config/index.js';
import type { Anomaly } from '../model/index.js';
import type { DetectorState } from './detector.js';

/** What a partition worker is started with (structured-cloned once). */
export interface PartitionWorkerData {
  readonly partition: number;
  /** Detector sets by profile: 0 is the default, i + 1 is rule i's. */
  readonly profiles: readonly (readonly DetectorUse[])[];
  readonly scoreThreshold: number;
  /** The partition extension's configuration (plain data), when the worker script has an extension. */
  readonly extension?: unknown;
}

/** The detector states of one series, in the order of its profile's detectors. */
export interface SeriesStates {
  readonly seriesId: number;
  /** The series' profile when the runner restores it; files written before profiles existed omit it. */
  readonly profile?: number;
  /** The series' key, when the runner restores a series whose profile has a grouping detector (state files omit it). */
  readonly key?: string;
  readonly states: readonly DetectorState[];
}

/** Keys of series, in two parallel lists: what a partition needs to create grouping detectors (DetectorContext.seriesKey). */
export interface SeriesKeys {
  readonly seriesIds: readonly number[];
  readonly keys: readonly string[];
}

/** An anomaly as a worker reports it; the main thread adds the series key. */
export type DetectedAnomaly = Omit<Anomaly, 'series'>;

/** Main thread → worker. Point columns travel as transferred buffers, never copied per point. */
export type ToPartitionWorker =
  | {
      readonly type: 'points';
      readonly batchId: number;
      readonly seriesIds: Uint32Array<ArrayBuffer>;
      readonly profiles: Uint8Array<ArrayBuffer>;
      readonly timestampsMs: Float64Array<ArrayBuffer>;
      readonly values: Float64Array<ArrayBuffer>;
      /**
       * Keys of the chunk's series whose profile has a grouping detector and that this worker has not been sent yet
       * (each worker instance gets each key once); absent when there are none, as for all ungrouped traffic.
       */
      readonly keys?: SeriesKeys;
    }
  | { readonly type: 'restore'; readonly requestId: number; readonly entries: readonly SeriesStates[] }
  | { readonly type: 'snapshot'; readonly requestId: number }
  /** A new configuration for the partition extension; answered once it is in effect. */
  | { readonly type: 'configure'; readonly requestId: number; readonly extension: unknown }
  | { readonly type: 'report'; readonly requestId: number };

/** Worker → main thread. `ready` is sent once, when the worker listens. */
export type FromPartitionWorker =
  /** `problems`: what the extension could not set up from its initial configuration. */
  | { readonly type: 'ready'; readonly problems?: readonly string[] }
  | {
      readonly type: 'done';
      readonly batchId: number;
      readonly points: number;
      readonly durationNs: number;
      readonly seriesTracked: number;
      readonly anomalies: readonly DetectedAnomaly[];
    }
  | { readonly type: 'restored'; readonly requestId: number; readonly problems: readonly string[]; readonly seriesTracked: number }
  | { readonly type: 'snapshot'; readonly requestId: number; readonly entries: readonly SeriesStates[] }
  | { readonly type: 'configured'; readonly requestId: number; readonly problems: readonly string[] }
  | { readonly type: 'report'; readonly requestId: number; readonly report: unknown };
