import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogsConfig } from '../../config/index.js';
import type { LogSink } from '../../ingest/index.js';
import type { Anomaly, AnomalyEvidence, KeyedPoints, LogRecord, LogSeverity, Rejection } from '../../model/index.js';
import { LOG_SEVERITIES, parseSeriesKey } from '../../model/index.js';
import type { LogQuery, LogStore, StoredLog } from '../../store/index.js';
import type { Clock, Lifecycle } from '../../util/index.js';
import { TemplateMiner, type MinerSnapshot } from '../miner.js';
import { SEVERITY_COUNT_SERIES, TEMPLATE_COUNT_SERIES, LogRateCounter, templateSeriesKey } from './rate-series.js';
import { SessionJudge, SessionTracker, type ClosedSession, type SessionJudgeSnapshot } from './sessions.js';
import { TemplateCatalog, type TemplateCatalogSnapshot } from './template-catalog.js';

/** Detector names of the anomalies the log pipeline raises itself. */
export const NEW_ERROR_TEMPLATE_DETECTOR = 'log-new-error-template';
export const SESSION_DETECTOR = 'log-session-sequence';
/** Series that unusual sessions are reported on (its value is the session's length). */
export const SESSION_SERIES = 'log.session.unusual';

const SNAPSHOT_VERSION = 1;
/** Severity code of `error`: a record this severe or worse counts as an error. */
const ERROR_CODE = LOG_SEVERITIES.indexOf('error');

export interface LogPipelineSnapshot {
  readonly version: number;
  readonly miner: MinerSnapshot;
  readonly catalog: TemplateCatalogSnapshot;
  readonly sessions: SessionJudgeSnapshot;
}

export interface LogPipelineDeps {
  readonly store: LogStore;
  /** Hands count series to the metric write path (store, then detectors). */
  readonly writePoints: (points: KeyedPoints) => Promise<void>;
  /** Ids of series keys, creating new series (the anomalies the pipeline raises need them). */
  readonly resolveSeries: (keys: readonly string[]) => Uint32Array;
  readonly onAnomalies: (anomalies: Anomaly[]) => void;
  readonly onRejected: (rejections: readonly Rejection[], source: string) => void;
  readonly clock: Clock;
  readonly logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface LogPipelineOptions {
  readonly config: LogsConfig;
  /** Where the miner, catalog and session model are kept across restarts; null keeps them in memory. */
  readonly snapshotFile: string | null;
}

/** One template as the API lists it. */
export interface TemplateSummary {
  readonly id: string;
  readonly template: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly severity: LogSeverity;
  readonly examples: readonly string[];
  /** Key of the template's overall count series (per-host ones add `;host=<host>`). */
  readonly series: string;
}

export interface LogPipelineStats {
  readonly recordsReceived: number;
  /** Records stored, by the source label of the listener they came through (`hec`, `syslog_tcp`, ...). */
  readonly receivedBySource: Readonly<Record<string, number>>;
  readonly recordsRejected: number;
  readonly templates: number;
  readonly openSessions: number;
  readonly lateRecords: number;
}

/**
 * The log write path, shared by HEC, syslog, the HTTP API and imports: each record is mined into a
 * template (id and parameters), the batch is stored durably, and only then do the records count in the
 * template and severity series, the catalog and the sessions, so a failed write is neither acknowledged
 * nor counted. A template never seen before at error severity is an anomaly at once; an unusual
 * session is one when it completes. Count series close by data time (the newest record's time), or by
 * the clock once no record has come for an interval.
 */
export class LogPipeline implements LogSink, Lifecycle {
  private miner: TemplateMiner;
  private catalog: TemplateCatalog;
  private judge: SessionJudge;
  private readonly rates: LogRateCounter;
  private readonly sessions: SessionTracker;
  private readonly pending = new Set<Promise<unknown>>();
  /** Template ids that stored records carry (merged templates keep their ids here). */
  private readonly knownIds = new Set<string>();
  private newestMs = Number.NEGATIVE_INFINITY;
  private lastWriteWallMs = 0;
  private received = 0;
  private readonly receivedBySource = new Map<string, number>();
  private rejected = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastSnapshotWallMs = 0;
  private running = false;

  constructor(
    private readonly options: LogPipelineOptions,
    private readonly deps: LogPipelineDeps,
  ) {
    const config = options.config;
    this.miner = new TemplateMiner();
    this.catalog = new TemplateCatalog(config.examplesPerTemplate);
    this.judge = new SessionJudge(config.sessionTrainingCount);
    this.rates = new LogRateCounter({ intervalMs: config.rateIntervalMs, zeroFillSteps: config.rateZeroFillSteps, maxHostsPerTemplate: config.maxHostsPerTemplate });
    let pattern: RegExp;
    try {
      pattern = new RegExp(config.sessionPattern);
    } catch (err) {
      throw new Error(`cannot use logs.sessionPattern ${JSON.stringify(config.sessionPattern)}: ${(err as Error).message}`);
    }
    this.sessions = new SessionTracker({ pattern, idleMs: config.sessionIdleMs, maxOpen: config.maxOpenSessions });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.restore();
    this.running = true;
    this.lastSnapshotWallMs = this.deps.clock.nowMs();
    const tickMs = Math.min(this.options.config.rateIntervalMs, 1_000);
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  /** Waits for every write begun, then saves the snapshot. Open count intervals are not emitted: they are partial. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== null) clearInterval(this.timer);
    await this.drain();
    this.saveSnapshot();
  }

  async write(records: readonly LogRecord[], source: string): Promise<void> {
    if (!this.running) throw new Error('cannot take logs: the log pipeline is not running');
    if (records.length === 0) return;
    const work = this.process(records);
    this.pending.add(work);
    try {
      await work;
    } finally {
      this.pending.delete(work);
    }
    this.received += records.length;
    this.receivedBySource.set(source, (this.receivedBySource.get(source) ?? 0) + records.length);
  }

  reject(rejections: readonly Rejection[], source: string): void {
    if (rejections.length === 0) return;
    this.rejected += rejections.length;
    this.deps.onRejected(rejections, source);
  }

  search(query: LogQuery): Promise<StoredLog[]> {
    return this.deps.store.query(query);
  }

  /** Templates that have not merged into another, most frequent first. */
  templates(): TemplateSummary[] {
    const handlesById = new Map<string, number[]>();
    for (let handle = 0; handle < this.miner.size; handle++) {
      const id = this.miner.templateId(handle);
      const handles = handlesById.get(id);
      if (handles === undefined) handlesById.set(id, [handle]);
      else handles.push(handle);
    }
    const summaries: TemplateSummary[] = [];
    for (const [id, handles] of handlesById) {
      const stats = this.catalog.merge(handles);
      if (stats === null) continue;
      summaries.push({
        id,
        template: this.miner.template(handles[0]!),
        count: stats.count,
        firstSeenMs: stats.firstSeenMs,
        lastSeenMs: stats.lastSeenMs,
        severity: LOG_SEVERITIES[stats.worstSeverityCode] ?? 'info',
        examples: stats.examples,
        series: templateSeriesKey(id),
      });
    }
    return summaries.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  }

  /**
   * Evidence for an anomaly a metric detector found on a log count series: the template, and the lines
   * of the anomalous interval (of its host, when the series is per host). Null for other series.
   */
  async evidenceFor(anomaly: Anomaly): Promise<AnomalyEvidence | null> {
    const ref = parseSeriesKey(anomaly.series);
    if (ref.name !== TEMPLATE_COUNT_SERIES && ref.name !== SEVERITY_COUNT_SERIES) return null;
    const host = ref.tags['host'];
    const templateId = ref.tags['template'];
    const intervalMs = this.options.config.rateIntervalMs;
    const lines = await this.deps.store.query({
      fromMs: anomaly.timestampMs,
      toMs: anomaly.timestampMs + intervalMs,
      limit: this.options.config.examplesPerTemplate,
      ...(host !== undefined && host !== 'unknown' && { host }),
      ...(templateId !== undefined && { templateId }),
    });
    const severity = ref.tags['severity'];
    const direction = anomaly.expected === null ? 'unusual' : anomaly.value > anomaly.expected ? 'a surge' : 'a drop';
    const count = `${anomaly.value} per ${intervalMs / 1000} s${anomaly.expected === null ? '' : ` where about ${Math.round(anomaly.expected * 10) / 10} was expected`}`;
    const where = host === undefined ? 'over all hosts' : `on host ${host}`;
    if (templateId !== undefined) {
      const summary = this.templates().find((t) => t.id === templateId);
      const examples = lines.length > 0 ? lines.map((l) => l.message) : (summary?.examples ?? []);
      return {
        template: { id: templateId, text: summary?.template ?? (lines[0] !== undefined ? this.templateText(lines[0].templateId) : ''), ...(summary !== undefined && { severity: summary.severity }) },
        examples,
        reason: `${direction} of a log template ${where}: ${count}`,
      };
    }
    return { examples: lines.map((l) => l.message), reason: `${direction} of ${severity ?? ''} logs ${where}: ${count}` };
  }

  stats(): LogPipelineStats {
    return { recordsReceived: this.received, receivedBySource: Object.fromEntries(this.receivedBySource), recordsRejected: this.rejected, templates: this.templateCount(), openSessions: this.sessions.openCount, lateRecords: this.rates.late };
  }

  /** Resolves when every write begun so far is done. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async process(records: readonly LogRecord[]): Promise<void> {
    const handles = new Int32Array(records.length);
    const stored: StoredLog[] = new Array(records.length);
    // Template texts as each record was mined: later records of the batch may generalise them.
    const texts: string[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const parameters: string[] = [];
      const handle = this.miner.add(record.message, parameters);
      handles[i] = handle;
      texts[i] = this.miner.template(handle);
      stored[i] = { ...record, templateId: this.miner.templateId(handle), parameters };
    }
    await this.deps.store.append(stored);

    this.lastWriteWallMs = this.deps.clock.nowMs();
    const anomalies: Anomaly[] = [];
    for (let i = 0; i < stored.length; i++) {
      const log = stored[i]!;
      const handle = handles[i]!;
      // Known ids are those of stored records: a template is new the first time one of its records is stored.
      if (!this.knownIds.has(log.templateId)) {
        this.knownIds.add(log.templateId);
        if (LOG_SEVERITIES.indexOf(log.severity) <= ERROR_CODE) anomalies.push(this.newErrorTemplateAnomaly(log, handle));
      }
      this.catalog.record(handle, log.timestampMs, log.severity, log.message);
      this.rates.count(log.timestampMs, log.templateId, log.host, log.severity);
      if (log.timestampMs > this.newestMs) this.newestMs = log.timestampMs;
      const sessionId = this.sessions.sessionIdOf(log.parameters, log.message, texts[i]);
      if (sessionId !== null) {
        const early = this.sessions.observe(sessionId, log.templateId, log.timestampMs);
        if (early !== null) this.judgeSession(early, anomalies);
      }
    }
    for (const session of this.sessions.closeIdle(this.newestMs)) this.judgeSession(session, anomalies);
    if (anomalies.length > 0) this.deps.onAnomalies(anomalies);
    await this.emitRates(this.newestMs - this.options.config.rateIntervalMs);
  }

  private newErrorTemplateAnomaly(log: StoredLog, handle: number): Anomaly {
    const key = templateSeriesKey(log.templateId);
    const [seriesId] = this.deps.resolveSeries([key]);
    return {
      seriesId: seriesId!,
      series: key,
      timestampMs: log.timestampMs,
      value: 1,
      score: 1,
      kind: 'spike',
      expected: 0,
      detector: NEW_ERROR_TEMPLATE_DETECTOR,
      evidence: {
        template: { id: log.templateId, text: this.miner.template(handle), severity: log.severity },
        examples: [log.message],
        reason: `a log template never seen before, at ${log.severity} severity, on host ${log.host || 'unknown'}`,
      },
    };
  }

  private judgeSession(session: ClosedSession, anomalies: Anomaly[]): void {
    const verdict = this.judge.judge(session);
    if (verdict === null || !verdict.anomalous) return;
    const [seriesId] = this.deps.resolveSeries([SESSION_SERIES]);
    anomalies.push({
      seriesId: seriesId!,
      series: SESSION_SERIES,
      timestampMs: session.lastMs,
      value: session.templateIds.length,
      score: 1,
      kind: null,
      expected: null,
      detector: SESSION_DETECTOR,
      evidence: {
        session: { id: session.id, templates: session.templateIds.map((id) => this.templateText(id)) },
        reason: `session ${session.id}: ${verdict.score} of its ${session.templateIds.length + 1} steps break the usual order of templates (${verdict.method} model)`,
      },
    });
  }

  /** The current text of a template id (a linear scan of handles: for evidence, not for the write path). */
  private templateText(templateId: string): string {
    for (let handle = 0; handle < this.miner.size; handle++) if (this.miner.templateId(handle) === templateId) return this.miner.template(handle);
    return templateId;
  }

  private templateCount(): number {
    const ids = new Set<string>();
    for (let handle = 0; handle < this.miner.size; handle++) ids.add(this.miner.templateId(handle));
    return ids.size;
  }

  private async emitRates(watermarkMs: number): Promise<void> {
    const points = this.rates.close(watermarkMs);
    if (points.length === 0) return;
    try {
      await this.deps.writePoints(points);
    } catch (err) {
      this.deps.logger.error({ err, points: points.length }, 'cannot store log count series');
    }
  }

  /** Closes intervals and sessions by the clock once records stop coming, and saves the snapshot now and then. */
  private tick(): void {
    const nowMs = this.deps.clock.nowMs();
    const config = this.options.config;
    if (nowMs - this.lastWriteWallMs >= config.rateIntervalMs && this.pending.size === 0) {
      const watermarkMs = Math.max(this.newestMs, nowMs) - config.rateIntervalMs;
      const anomalies: Anomaly[] = [];
      for (const session of this.sessions.closeIdle(Math.max(this.newestMs, nowMs))) this.judgeSession(session, anomalies);
      if (anomalies.length > 0) this.deps.onAnomalies(anomalies);
      const work = this.emitRates(watermarkMs);
      this.pending.add(work);
      void work.finally(() => this.pending.delete(work));
    }
    if (nowMs - this.lastSnapshotWallMs >= config.snapshotIntervalMs) {
      this.lastSnapshotWallMs = nowMs;
      this.saveSnapshot();
    }
  }

  private saveSnapshot(): void {
    const file = this.options.snapshotFile;
    if (file === null) return;
    const snapshot: LogPipelineSnapshot = { version: SNAPSHOT_VERSION, miner: this.miner.snapshot(), catalog: this.catalog.snapshot(), sessions: this.judge.snapshot() };
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.deps.logger.error({ err, file }, 'cannot save the log template snapshot');
    }
  }

  private restore(): void {
    const file = this.options.snapshotFile;
    if (file === null) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot read log template snapshot ${file}: ${(err as Error).message}`);
    }
    try {
      const snapshot = JSON.parse(text) as LogPipelineSnapshot;
      if (snapshot.version !== SNAPSHOT_VERSION) throw new Error(`version ${String(snapshot.version)} is not ${SNAPSHOT_VERSION}`);
      const config = this.options.config;
      this.miner = TemplateMiner.restore(snapshot.miner);
      this.catalog = TemplateCatalog.restore(snapshot.catalog, config.examplesPerTemplate);
      this.judge = SessionJudge.restore(snapshot.sessions, config.sessionTrainingCount);
      for (let handle = 0; handle < this.miner.size; handle++) this.knownIds.add(this.miner.templateId(handle));
    } catch (err) {
      throw new Error(`cannot restore log template snapshot ${file}: ${(err as Error).message}`);
    }
  }
}
