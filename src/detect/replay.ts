import type { DetectionRule, DetectorUse } from '../config/index.js';
import type { Anomaly, SeriesInfo } from '../model/index.js';
import type { Storage } from '../store/index.js';
import type { PartitionExtension } from './partition-extension.js';
import { Partition } from './partition.js';
import { DetectorProfiles } from './profiles.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from './registry.js';
import type { DetectedAnomaly } from './worker-protocol.js';

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
 * Series replayed together through one fresh partition: one series alone, or every matching series a grouping
 * detector puts in one group (its detectors judge the group's series together, so they must see them interleaved).
 */
interface ReplayUnit {
  readonly members: SeriesInfo[];
  /** Whether the members' profile has a grouping detector: its detectors need the series keys. */
  readonly keyed: boolean;
}

/** Points of one matching series in the range. */
interface ReplayPart {
  readonly info: SeriesInfo;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/**
 * Re-runs detection over stored history (a backfill): for each matching series (or group of series, see
 * DetectorDefinition.groupOf), fresh detectors see its raw points in the range in time order, and the
 * anomalies they find are stored. Anomalies are keyed by (series, detector, timestamp), so replaying a range
 * twice stores nothing twice.
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
  // With one detector asked for, that detector alone decides the grouping, as it alone runs.
  const routing = only === null ? profiles : new DetectorProfiles(only, [], registry);
  let points = 0;
  let anomalies = 0;
  for (const unit of replayUnits(series, routing)) {
    const parts: ReplayPart[] = [];
    for (const info of unit.members) {
      const raw = await storage.query({ seriesId: info.id, fromMs: request.fromMs, toMs: request.toMs, stepMs: 1, agg: 'last' });
      if (raw.timestampsMs.length > 0) parts.push({ info, ...raw });
    }
    if (parts.length === 0) continue;
    const found = unit.keyed ? replayGroup(parts, routing, config.scoreThreshold, registry, extension) : replaySeries(parts[0]!, routing, config.scoreThreshold, registry, extension);
    for (const part of parts) points += part.timestampsMs.length;
    if (found.length === 0) continue;
    // Detectors and the extension saw only this unit's series, so every anomaly names one of them.
    const keyOf = new Map(parts.map((part) => [part.info.id, part.info.key]));
    const stored: Anomaly[] = found.map((a) => ({ ...a, series: keyOf.get(a.seriesId)! }));
    await storage.appendAnomalies(stored);
    anomalies += stored.length;
  }
  return { series: series.length, points, anomalies };
}

/** Ungrouped series one unit each, in match order; keyed series one unit per routing key, where its first member was. */
function replayUnits(series: readonly SeriesInfo[], routing: DetectorProfiles): ReplayUnit[] {
  const units: ReplayUnit[] = [];
  const groups = new Map<string, ReplayUnit>();
  for (const info of series) {
    if (!routing.keyed(routing.profileOf(info.key))) {
      units.push({ members: [info], keyed: false });
      continue;
    }
    const routingKey = routing.routingKeyOf(info.key);
    const group = groups.get(routingKey);
    if (group !== undefined) group.members.push(info);
    else {
      const unit = { members: [info], keyed: true };
      groups.set(routingKey, unit);
      units.push(unit);
    }
  }
  return units;
}

/** One series through fresh detectors of its profile. */
function replaySeries(part: ReplayPart, routing: DetectorProfiles, scoreThreshold: number, registry: DetectorRegistry, extension: ReplayExtension | undefined): DetectedAnomaly[] {
  const partition = new Partition([routing.sets[routing.profileOf(part.info.key)]!], scoreThreshold, registry);
  const ids = new Uint32Array(part.timestampsMs.length).fill(part.info.id);
  extension?.beforeBatch?.(ids, part.timestampsMs, part.values);
  const found = partition.process(ids, part.timestampsMs, part.values);
  if (extension !== undefined) found.push(...extension.drainAnomalies());
  return found;
}

/**
 * A group's series as one batch through one fresh partition, which orders it by time (stably: at equal timestamps in
 * member order), so the group's detectors see its series interleaved as the live runner would.
 */
function replayGroup(parts: readonly ReplayPart[], routing: DetectorProfiles, scoreThreshold: number, registry: DetectorRegistry, extension: ReplayExtension | undefined): DetectedAnomaly[] {
  const length = parts.reduce((sum, part) => sum + part.timestampsMs.length, 0);
  const ids = new Uint32Array(length);
  const profiles = new Uint8Array(length);
  const timestampsMs = new Float64Array(length);
  const values = new Float64Array(length);
  let at = 0;
  for (const part of parts) {
    const end = at + part.timestampsMs.length;
    ids.fill(part.info.id, at, end);
    profiles.fill(routing.profileOf(part.info.key), at, end);
    timestampsMs.set(part.timestampsMs, at);
    values.set(part.values, at);
    at = end;
  }
  const partition = new Partition(routing.sets, scoreThreshold, registry);
  partition.learnKeys(
    parts.map((part) => part.info.id),
    parts.map((part) => part.info.key),
  );
  extension?.beforeBatch?.(ids, timestampsMs, values);
  const found = partition.process(ids, timestampsMs, values, profiles);
  if (extension !== undefined) found.push(...extension.drainAnomalies());
  return found;
}

function asRequestError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new ReplayRequestError(`cannot replay: ${(error as Error).message}`, { cause: error });
  }
}
