import type { KeyedPointsBuilder } from '../../model/index.js';
import { seriesKey, validateSeriesRef } from '../../model/index.js';
import { seededRandom } from '../../util/index.js';
import { quoteValue } from '../quote.js';
import type { StatsdLine, StatsdLineProblem, StatsdType } from './line.js';
import type { StatsdMetric } from './metrics.js';
import { CounterMetric, GaugeMetric, HistogramMetric, SetMetric } from './metrics.js';

/** The middle part of every series name, by type, as Etsy's statsd names them without its legacy namespace. */
export const STATSD_NAMESPACES: Readonly<Record<StatsdType, string>> = { c: 'counters', g: 'gauges', ms: 'timers', h: 'histograms', d: 'distributions', s: 'sets' };
const HISTOGRAM_STATS = ['count', 'sum', 'mean', 'lower', 'upper', 'median'];
/** Identities remembered per held metric (tag orders and spellings that name the same series) before they start over. */
const ALIASES_PER_METRIC = 2;

export interface StatsdAggregatorOptions {
  /** First part of every series name (`stats`); empty for none. */
  readonly prefix: string;
  /** Percentiles written for timers, histograms and distributions, each in (0, 100). */
  readonly percentiles: readonly number[];
  /** Length of an interval: counter rates are per second of it. */
  readonly flushIntervalMs: number;
  /** Metrics held between flushes; samples of new metrics beyond it are rejected as `overload`. */
  readonly maxMetrics: number;
  /** Values kept per timer and members per set in one interval (see HistogramMetric and SetMetric). */
  readonly maxValuesPerMetric: number;
  /** Source of the reservoir sampling of timers with more values than kept; seeded by default. */
  readonly random?: () => number;
}

/**
 * StatsD aggregation: samples of each metric (type, name and tags) are combined over an interval and
 * written as points at its end, under `<prefix>.<namespace>.<name>[.<stat>]` with the metric's tags:
 *
 * - counter `c`: `<prefix>.counters.<name>.count` (sum of value / sample rate) and `.rate` (per second);
 * - gauge `g`: `<prefix>.gauges.<name>`, the last value; `+N`/`-N` change it (as in Etsy's statsd, so a
 *   negative value is set by `0` then `-N`);
 * - timer `ms`, histogram `h`, distribution `d`: `<prefix>.timers|histograms|distributions.<name>.`
 *   `count`, `sum`, `mean`, `lower`, `upper`, `median` and `upper_<P>` per percentile (`upper_99_9` for 99.9);
 * - set `s`: `<prefix>.sets.<name>.count`, distinct members in the interval.
 *
 * A metric without samples in an interval writes once more at its end (counts 0: counter count and
 * rate, set count, timer count; a gauge its last value), so that graphs and detectors see it stop, and
 * is then forgotten: its memory is freed, and a gauge that comes back starts again from 0.
 */
export class StatsdAggregator {
  private readonly prefix: string;
  private readonly percentiles: readonly number[];
  private readonly histogramStats: readonly string[];
  private readonly intervalSeconds: number;
  private readonly maxMetrics: number;
  private readonly maxValuesPerMetric: number;
  private readonly random: () => number;
  /** Held metrics by their first series key. */
  private readonly metrics = new Map<string, StatsdMetric>();
  /** Held metrics by type and identity as sent, so that a known metric costs one lookup. */
  private readonly counters = new Map<string, CounterMetric>();
  private readonly gauges = new Map<string, GaugeMetric>();
  private readonly sets = new Map<string, SetMetric>();
  private readonly histograms: Readonly<Record<'ms' | 'h' | 'd', Map<string, HistogramMetric>>> = { ms: new Map(), h: new Map(), d: new Map() };

  constructor(options: StatsdAggregatorOptions) {
    for (const [name, value] of [['flushIntervalMs', options.flushIntervalMs], ['maxMetrics', options.maxMetrics], ['maxValuesPerMetric', options.maxValuesPerMetric]] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`cannot create statsd aggregator: ${name} must be a positive integer, got ${value}`);
    }
    for (const p of options.percentiles) {
      if (!(p > 0 && p < 100)) throw new Error(`cannot create statsd aggregator: percentile ${p} must be in (0, 100)`);
    }
    this.prefix = options.prefix;
    this.percentiles = [...new Set(options.percentiles)];
    this.histogramStats = [...HISTOGRAM_STATS, ...this.percentiles.map((p) => `upper_${String(p).replace('.', '_')}`)];
    this.intervalSeconds = options.flushIntervalMs / 1000;
    this.maxMetrics = options.maxMetrics;
    this.maxValuesPerMetric = options.maxValuesPerMetric;
    this.random = options.random ?? seededRandom(0x5747);
  }

  /** Metrics held until the next flush. */
  get size(): number {
    return this.metrics.size;
  }

  /** Adds the samples of a parsed line; returns why it was (partly) rejected, or null. */
  add(line: StatsdLine): StatsdLineProblem | null {
    for (let i = 0; i < line.sampleCount; i++) {
      const type = line.types[i]!;
      const value = line.values[i]!;
      const rate = line.sampleRates[i]!;
      switch (type) {
        case 'c': {
          const counter = this.counters.get(line.identity) ?? this.resolve(this.counters, type, line, (keys) => new CounterMetric([keys[0]!, keys[1]!], this.intervalSeconds));
          if (!(counter instanceof CounterMetric)) return counter;
          counter.add(value, rate);
          break;
        }
        case 'g': {
          const gauge = this.gauges.get(line.identity) ?? this.resolve(this.gauges, type, line, (keys) => new GaugeMetric([keys[0]!]));
          if (!(gauge instanceof GaugeMetric)) return gauge;
          if (line.deltas[i]) gauge.change(value);
          else gauge.set(value);
          break;
        }
        case 's': {
          const set = this.sets.get(line.identity) ?? this.resolve(this.sets, type, line, (keys) => new SetMetric([keys[0]!], this.maxValuesPerMetric));
          if (!(set instanceof SetMetric)) return set;
          if (!set.add(line.members[i]!)) {
            return { reason: 'overload', cause: `set ${quoteValue(line.name)} already holds ${this.maxValuesPerMetric} members this interval; ${quoteValue(line.members[i]!)} is not counted` };
          }
          break;
        }
        default: {
          const byIdentity = this.histograms[type];
          const histogram =
            byIdentity.get(line.identity) ?? this.resolve(byIdentity, type, line, (keys) => new HistogramMetric(keys, this.percentiles, this.maxValuesPerMetric, this.random));
          if (!(histogram instanceof HistogramMetric)) return histogram;
          histogram.add(value, rate);
        }
      }
    }
    return null;
  }

  /** Writes every held metric's points at `timestampMs` to `out`, and forgets metrics that were idle. */
  flush(timestampMs: number, out: KeyedPointsBuilder): void {
    let forgot = false;
    for (const [key, metric] of this.metrics) {
      if (metric.updated) {
        metric.flush(out, timestampMs);
      } else {
        metric.flushIdle(out, timestampMs);
        this.metrics.delete(key);
        forgot = true;
      }
    }
    if (forgot) for (const byIdentity of this.identityMaps()) this.dropForgotten(byIdentity);
  }

  /** Finds or creates the metric a line's identity has not been seen under yet. */
  private resolve<M extends StatsdMetric>(byIdentity: Map<string, M>, type: StatsdType, line: StatsdLine, create: (keys: string[]) => M): M | StatsdLineProblem {
    const tags: Record<string, string> = {};
    for (let i = 0; i < line.tagNames.length; i++) {
      const name = line.tagNames[i]!;
      const value = line.tagValues[i]!;
      const given = tags[name];
      if (given !== undefined && given !== value) return { reason: 'bad_series', cause: `tag ${name} is given twice, as ${quoteValue(given)} and ${quoteValue(value)}` };
      tags[name] = value;
    }
    const stats = type === 'c' ? ['count', 'rate'] : type === 'g' ? [''] : type === 's' ? ['count'] : this.histogramStats;
    const names = stats.map((stat) => [this.prefix, STATSD_NAMESPACES[type], line.name, stat].filter((part) => part !== '').join('.'));
    const invalid = validateSeriesRef({ name: names[0]!, tags });
    if (invalid !== null) return { reason: 'bad_series', cause: `metric ${quoteValue(line.name)} is invalid: ${invalid}` };
    const keys = names.map((name) => seriesKey(name, tags));
    let metric = this.metrics.get(keys[0]!) as M | undefined;
    if (metric === undefined) {
      if (this.metrics.size >= this.maxMetrics) {
        return { reason: 'overload', cause: `new metric ${quoteValue(line.name)} is shed: ${this.metrics.size} metrics are held until the next flush (limit ${this.maxMetrics})` };
      }
      metric = create(keys);
      this.metrics.set(keys[0]!, metric);
    }
    if (this.aliasCount() >= this.metrics.size * ALIASES_PER_METRIC + ALIASES_PER_METRIC) {
      for (const aliases of this.identityMaps()) aliases.clear();
    }
    byIdentity.set(line.identity, metric);
    return metric;
  }

  private aliasCount(): number {
    let count = 0;
    for (const byIdentity of this.identityMaps()) count += byIdentity.size;
    return count;
  }

  private identityMaps(): Map<string, StatsdMetric>[] {
    return [this.counters, this.gauges, this.sets, this.histograms.ms, this.histograms.h, this.histograms.d];
  }

  private dropForgotten(byIdentity: Map<string, StatsdMetric>): void {
    for (const [identity, metric] of byIdentity) {
      if (this.metrics.get(metric.keys[0]!) !== metric) byIdentity.delete(identity);
    }
  }
}
