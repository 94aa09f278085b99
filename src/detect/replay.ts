import type { DetectionRule, DetectorUse } from '../config/index.js';
import type { Anomaly } from '../model/index.js';
import type { Storage } from '../store/index.js';
import type { PartitionExtension } from './partition-extension.js';
import { Partition } from './partition.js';
import { DetectorProfiles } from './profiles.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';

export interface ReplayRequest {
  /** Graphite glob over canonical series keys. */
  readonly seriesGlob: string;
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  /** Run only this detector (with its configured parameters when the default set has it); else each series' configured set. */
  readonly detectorId?: string;
}

export interface ReplayResult {
  readonly series: number;
  readonly points: number;
  readonly anomalies: number;
}

export interface ReplayConfig {
  readonly detectors: readonly DetectorUse[];
  readonly rules: readonly DetectionRule[];
  readonly scoreThreshold: number;
}

/** Detectors beyond the built-ins (a served model's), and the anomalies they find beside their scores. */
export type ReplayExtension = Pick<PartitionExtension, 'detectors' | 'drainAnomalies' | 'beforeBatch'>;

/** A replay request that cannot be served as asked (unknown detector, bad glob, too many series). */
export class ReplayRequestError extends Error {
  override readonly name = 'ReplayRequestError';
}

/** Most series one replay may cover, so one request cannot run for hours. */
const MAX_REPLAY_SERIES = 100_000;

/**
 * Re-runs detection over stored history (a backfill): for each matching series, fresh detectors see its
 * raw points in the range in time order, and the anomalies they find are stored. Anomalies are keyed
 * by (series, detector, timestamp), so replaying a range twice stores nothing twice.
 */
export async function replayStored(storage: Storage, config: ReplayConfig, request: ReplayRequest, extension?: ReplayExtension): Promise<ReplayResult> {
  const registry = new DetectorRegistry([...BUILTIN_DETECTORS, ...(extension?.detectors ?? [])]);
  const profiles = new DetectorProfiles(config.detectors, config.rules, registry);
  let only: DetectorUse[] | null = null;
  if (request.detectorId !== undefined) {
    const configured = [...config.detectors, ...config.rules.flatMap((rule) => rule.detectors)].find((use) => use.id === request.detectorId);
    only = [configured ?? { id: request.detectorId, params: {} }];
    asRequestError(() => registry.resolve(only![0]!));
  }
  const series = asRequestError(() => storage.findSeries(request.seriesGlob, MAX_REPLAY_SERIES + 1));
  if (series.length > MAX_REPLAY_SERIES) throw new ReplayRequestError(`cannot replay: ${JSON.stringify(request.seriesGlob)} matches more than ${MAX_REPLAY_SERIES} series; narrow the glob`);
  let points = 0;
  let anomalies = 0;
  for (const info of series) {
    const raw = await storage.query({ seriesId: info.id, fromMs: request.fromMs, toMs: request.toMs, stepMs: 1, agg: 'last' });
    if (raw.timestampsMs.length === 0) continue;
    const uses = only ?? profiles.sets[profiles.profileOf(info.key)]!;
    const partition = new Partition([uses], config.scoreThreshold, registry);
    const ids = new Uint32Array(raw.timestampsMs.length).fill(info.id);
    extension?.beforeBatch?.(ids, raw.timestampsMs, raw.values);
    const found = partition.process(ids, raw.timestampsMs, raw.values);
    if (extension !== undefined) found.push(...extension.drainAnomalies());
    points += raw.timestampsMs.length;
    if (found.length === 0) continue;
    const stored: Anomaly[] = found.map((a) => ({ ...a, series: info.key }));
    await storage.appendAnomalies(stored);
    anomalies += stored.length;
  }
  return { series: series.length, points, anomalies };
}

function asRequestError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new ReplayRequestError(`cannot replay: ${(error as Error).message}`, { cause: error });
  }
}
