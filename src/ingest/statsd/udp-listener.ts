import type { Rejection } from '../../model/index.js';
import { KeyedPointsBuilder } from '../../model/index.js';
import type { Clock } from '../../util/index.js';
import { systemClock } from '../../util/index.js';
import { DatagramListener } from '../net/datagram-listener.js';
import { quoteValue } from '../quote.js';
import type { PointSink } from '../sink.js';
import { StatsdAggregator } from './aggregator.js';
import { parseStatsdLine, StatsdLine } from './line.js';

export const STATSD_SOURCE = 'statsd';

/** Timer values and set members kept per metric and interval unless options say otherwise. */
const DEFAULT_MAX_VALUES_PER_METRIC = 65_536;
/** A typical metric writes a few points per flush; sizing the builder so spares most of its growth. */
const POINTS_PER_METRIC_ESTIMATE = 4;
const CR = 0x0d;

export interface StatsdUdpListenerOptions {
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
  /** Length of an aggregation interval; flushes fall on multiples of it (Unix time), stamped with the interval's end. */
  readonly flushIntervalMs: number;
  /** Percentiles written for timers, histograms and distributions (`upper_90`, ...). */
  readonly percentiles: readonly number[];
  /** First part of every series name (`stats`); empty for none. */
  readonly prefix: string;
  /** Metrics held between flushes; samples of new metrics beyond it are rejected as `overload`. */
  readonly maxMetrics: number;
  /** Timer values (beyond them a uniform sample is kept) and set members (beyond them new ones are rejected) per metric and interval. */
  readonly maxValuesPerMetric?: number;
  /** Time of flushes; the system clock by default. */
  readonly clock?: Clock;
}

/**
 * StatsD over UDP (Etsy's statsd, DogStatsD, Telegraf): each datagram holds newline-separated lines,
 * whose samples are aggregated (see StatsdAggregator for the series written) and handed to the sink as
 * one batch per interval. Bad lines are rejected with their number in the datagram. stop() stops
 * receiving, flushes the interval so far (stamped with the time of the stop), and resolves once every
 * write has settled.
 */
export class StatsdUdpListener extends DatagramListener {
  private readonly aggregator: StatsdAggregator;
  private readonly line = new StatsdLine();
  private readonly clock: Clock;
  private readonly flushIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopRequested = false;
  /** Time the last flush was stamped with: the next one is always later. */
  private lastFlushMs = -Infinity;
  private datagrams = 0;

  constructor(
    options: StatsdUdpListenerOptions,
    private readonly sink: PointSink,
  ) {
    super({ protocol: 'statsd', host: options.host, port: options.port });
    this.aggregator = new StatsdAggregator({
      prefix: options.prefix,
      percentiles: options.percentiles,
      flushIntervalMs: options.flushIntervalMs,
      maxMetrics: options.maxMetrics,
      maxValuesPerMetric: options.maxValuesPerMetric ?? DEFAULT_MAX_VALUES_PER_METRIC,
    });
    this.clock = options.clock ?? systemClock;
    this.flushIntervalMs = options.flushIntervalMs;
  }

  /** Metrics held until the next flush. */
  get heldMetrics(): number {
    return this.aggregator.size;
  }

  /** Points of flushes handed to the sink whose write has not settled. */
  get pendingPoints(): number {
    return this.pending.value;
  }

  /** Datagrams received since start. */
  get datagramsReceived(): number {
    return this.datagrams;
  }

  override async start(): Promise<void> {
    await super.start();
    if (!this.stopRequested && this.timer === null) this.scheduleFlush();
  }

  override stop(): Promise<void> {
    this.stopRequested = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    return super.stop();
  }

  /** Ends the current interval now: its points go to the sink stamped with the clock's time. */
  flush(): void {
    this.flushAt(Math.max(this.clock.nowMs(), this.lastFlushMs + 1));
  }

  protected override receive(datagram: Buffer): void {
    this.datagrams++;
    const text = datagram.toString('utf8');
    const rejections: Rejection[] = [];
    let lineNumber = 0;
    for (let start = 0; start < text.length; ) {
      let newline = text.indexOf('\n', start);
      if (newline === -1) newline = text.length;
      lineNumber++;
      const end = newline > start && text.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
      if (end > start) {
        const problem = parseStatsdLine(text, start, end, this.line) ?? this.aggregator.add(this.line);
        if (problem !== null) {
          rejections.push({ line: lineNumber, reason: problem.reason, message: `line ${lineNumber}: ${problem.cause} in ${quoteValue(text.slice(start, end))}` });
        }
      }
      start = newline + 1;
    }
    if (rejections.length > 0) this.sink.reject(rejections, STATSD_SOURCE);
  }

  protected override closed(): void {
    this.flush();
  }

  /** Sets the timer for the end of the current interval: the next multiple of the interval after the last flush. */
  private scheduleFlush(): void {
    const now = this.clock.nowMs();
    const interval = this.flushIntervalMs;
    const endMs = Math.max(Math.floor(now / interval) + 1, Math.floor(this.lastFlushMs / interval) + 1) * interval;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushAt(endMs);
      if (!this.stopRequested) this.scheduleFlush();
    }, endMs - now);
  }

  private flushAt(timestampMs: number): void {
    this.lastFlushMs = timestampMs;
    const out = new KeyedPointsBuilder(Math.max(16, this.aggregator.size * POINTS_PER_METRIC_ESTIMATE));
    this.aggregator.flush(timestampMs, out);
    if (out.length === 0) return;
    const count = out.length;
    let written: Promise<void> | void;
    try {
      written = this.sink.write(out.finish(), STATSD_SOURCE);
    } catch {
      // The sink could not take the points and has counted that; a UDP sender cannot be told.
      return;
    }
    if (written === undefined) return;
    this.pending.add(count);
    const settle = (): void => this.pending.settle(count);
    written.then(settle, settle);
  }
}
