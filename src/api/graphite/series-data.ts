import type { Anomaly, SeriesInfo } from '../../model/index.js';
import type { SeriesPoints, Storage } from '../../store/index.js';
import type { SeriesCatalog } from './catalog.js';
import { GraphiteInputError } from './input-error.js';
import type { GraphiteApiOptions } from './options.js';
import { makeSeries, type Series } from './series.js';
import { ladderStepSec, medianSpacingSec, mostCommon, stepForSpacingSec } from './step.js';
import { parseTagQuery } from './tag-expr.js';

/** Series looked at per wanted step sample, so that a glob whose first series are empty still measures. */
const SAMPLE_TRIES = 4;

/** Where evaluation reads series and anomalies; one per render request. */
export interface SeriesData {
  /** Series a path expression names, over [fromSec, untilSec], named by their keys. */
  fetchPath(pattern: string, fromSec: number, untilSec: number): Promise<Series[]>;
  /** Series matching seriesByTag expressions; `raw` (the call as written) becomes their pathExpression. */
  fetchTagged(expressions: readonly string[], raw: string, fromSec: number, untilSec: number): Promise<Series[]>;
  /** Stored anomalies of these series in [fromSec, untilSec). */
  anomalies(seriesIds: readonly number[], fromSec: number, untilSec: number): Promise<Anomaly[]>;
}

/**
 * Reads series from Vigil's store for one request, the way graphite-web reads whisper files:
 *
 * - Each series is read at one step: the spacing of its points in the range (median gap, snapped to a
 *   round step such as 10 s, 15 s or 60 s), measured on the first `stepSamples` series of a fetch that
 *   hold points in range; the others take the most common measured step (a glob's series usually share
 *   a collection interval), and a fetch with nothing to measure uses `defaultStepSec`. Values in one
 *   step are averaged.
 * - A step is never finer than the range divided by the point budget (maxPointsPerSeries, or
 *   maxPointsPerFetch shared by the fetch's series), as a long range reads a coarser whisper archive.
 * - Buckets follow whisper's fetch: the first starts one step after `from` rounded down to the step, the
 *   last is the one holding `until`; buckets without points are null, so Grafana draws gaps.
 * - A series keeps its step for the rest of the request (timeShift and movingAverage re-read it over
 *   other ranges at the same step), and a fetch repeated over the same range is read once.
 */
export class StoredSeriesData implements SeriesData {
  private readonly fetches = new Map<string, Promise<Series[]>>();
  private readonly steps = new Map<number, number>();

  constructor(
    private readonly storage: Storage,
    private readonly catalog: SeriesCatalog,
    private readonly options: GraphiteApiOptions,
    private readonly xFilesFactor: number,
  ) {}

  fetchPath(pattern: string, fromSec: number, untilSec: number): Promise<Series[]> {
    return this.once(`path\u0000${pattern}\u0000${fromSec}\u0000${untilSec}`, () => this.read(this.catalog.matchPath(pattern), pattern, fromSec, untilSec));
  }

  fetchTagged(expressions: readonly string[], raw: string, fromSec: number, untilSec: number): Promise<Series[]> {
    const specs = parseTagQuery(expressions);
    return this.once(`tags\u0000${raw}\u0000${fromSec}\u0000${untilSec}`, () => this.read(this.catalog.matchTags(specs), raw, fromSec, untilSec));
  }

  async anomalies(seriesIds: readonly number[], fromSec: number, untilSec: number): Promise<Anomaly[]> {
    if (seriesIds.length === 0 || !(untilSec > fromSec)) return [];
    const limit = this.options.maxAnomalies;
    const found = await this.storage.queryAnomalies({ fromMs: fromSec * 1000, toMs: untilSec * 1000, seriesIds, limit: limit + 1 });
    if (found.length > limit) throw new GraphiteInputError(`cannot read anomalies: more than ${limit} in the range; narrow the range or the series`);
    return found;
  }

  private once(key: string, read: () => Promise<Series[]>): Promise<Series[]> {
    let fetch = this.fetches.get(key);
    if (fetch === undefined) {
      fetch = read();
      this.fetches.set(key, fetch);
    }
    return fetch;
  }

  private async read(infos: readonly SeriesInfo[], pathExpression: string, fromSec: number, untilSec: number): Promise<Series[]> {
    const { maxSeriesPerFetch, maxPointsPerSeries, maxPointsPerFetch, stepSamples, defaultStepSec } = this.options;
    if (infos.length === 0) return [];
    if (infos.length > maxSeriesPerFetch) {
      throw new GraphiteInputError(`cannot fetch ${pathExpression}: it matches ${infos.length} series, more than the ${maxSeriesPerFetch} one fetch may read; narrow the pattern`);
    }
    const spanSec = Math.max(1, untilSec - fromSec);
    const pointBudget = Math.max(1, Math.min(maxPointsPerSeries, Math.floor(maxPointsPerFetch / infos.length)));
    const floorStepSec = ladderStepSec(spanSec / pointBudget);

    const fine = new Map<number, SeriesPoints>();
    const measured: number[] = [];
    for (const info of infos) {
      // Series without points in range measure nothing: look a little further for ones that do.
      if (measured.length >= stepSamples || fine.size >= stepSamples * SAMPLE_TRIES) break;
      if (this.steps.has(info.id)) continue;
      const points = await this.query(info.id, floorStepSec, fromSec, untilSec);
      fine.set(info.id, points);
      const spacing = medianSpacingSec(points.timestampsMs, floorStepSec);
      if (spacing === null) continue;
      const step = Math.max(floorStepSec, stepForSpacingSec(spacing));
      this.steps.set(info.id, step);
      measured.push(step);
    }
    const known = infos.map((info) => this.steps.get(info.id)).filter((s): s is number => s !== undefined);
    const common = mostCommon(measured) ?? mostCommon(known) ?? Math.max(floorStepSec, ladderStepSec(defaultStepSec));

    const stepsSec = infos.map((info) => {
      let stepSec = this.steps.get(info.id);
      if (stepSec === undefined) {
        stepSec = common;
        this.steps.set(info.id, stepSec);
      }
      return stepSec;
    });
    // A step kept from a shorter range (a long moving window reaching back) may need more values than allowed.
    const values = stepsSec.reduce((total, stepSec) => total + Math.ceil(spanSec / stepSec) + 1, 0);
    if (values > maxPointsPerFetch) {
      throw new GraphiteInputError(`cannot fetch ${pathExpression}: ${values} values over the range at the series' steps, more than the ${maxPointsPerFetch} one fetch may read; shorten the range or the window`);
    }
    const series: Series[] = [];
    for (let k = 0; k < infos.length; k++) {
      const info = infos[k]!;
      const stepSec = stepsSec[k]!;
      const points = stepSec === floorStepSec && fine.has(info.id) ? fine.get(info.id)! : await this.query(info.id, stepSec, fromSec, untilSec);
      series.push(this.toSeries(info, pathExpression, stepSec, fromSec, untilSec, points));
    }
    return series;
  }

  private query(seriesId: number, stepSec: number, fromSec: number, untilSec: number): Promise<SeriesPoints> {
    const { startSec, endSec } = bucketRange(stepSec, fromSec, untilSec);
    return this.storage.query({ seriesId, fromMs: startSec * 1000, toMs: endSec * 1000, stepMs: stepSec * 1000, agg: 'avg' });
  }

  private toSeries(info: SeriesInfo, pathExpression: string, stepSec: number, fromSec: number, untilSec: number, points: SeriesPoints): Series {
    const { startSec, endSec } = bucketRange(stepSec, fromSec, untilSec);
    const values = new Float64Array((endSec - startSec) / stepSec).fill(NaN);
    const { timestampsMs } = points;
    for (let i = 0; i < timestampsMs.length; i++) {
      const index = Math.round((timestampsMs[i]! / 1000 - startSec) / stepSec);
      if (index >= 0 && index < values.length) values[index] = points.values[i]!;
    }
    return makeSeries({
      name: info.key,
      tags: { ...info.tags, name: info.name },
      pathExpression,
      startSec,
      endSec,
      stepSec,
      values,
      xFilesFactor: this.xFilesFactor,
      seriesId: info.id,
    });
  }
}

/**
 * Whisper's fetch interval: from the step after `from` (rounded down to the step) to the step after the
 * one holding `until`, exclusive; at least one step.
 */
export function bucketRange(stepSec: number, fromSec: number, untilSec: number): { startSec: number; endSec: number } {
  const startSec = Math.floor(fromSec / stepSec) * stepSec + stepSec;
  let endSec = Math.floor(untilSec / stepSec) * stepSec + stepSec;
  if (endSec <= startSec) endSec = startSec + stepSec;
  return { startSec, endSec };
}
