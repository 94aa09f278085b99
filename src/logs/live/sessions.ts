import { trainNgram, type SequenceDetector } from '../sequence/index.js';

/** A session whose records stopped coming: its id and the template ids of its records in order. */
export interface ClosedSession {
  readonly id: string;
  readonly templateIds: readonly string[];
  readonly lastMs: number;
}

export interface SessionTrackerOptions {
  /** A template parameter matching this names the session its record belongs to. */
  readonly pattern: RegExp;
  /** A session with no record for this long (data time) is complete. */
  readonly idleMs: number;
  /** Open sessions kept at once; beyond it the least recently active one is closed early. */
  readonly maxOpen: number;
}

/** Records kept per session; a longer session keeps its first ones (the order that matters is how it starts). */
const MAX_SESSION_RECORDS = 10_000;

/** Brackets, quotes and separators around a word (`(blk_1,` is `blk_1`). */
const EDGE_PUNCTUATION = /^[(\[{"'<]+|[)\]}"'>,;:.]+$/g;

/** Template texts whose verdict is remembered; beyond it the memory starts over. */
const MAX_TEMPLATE_VERDICTS = 10_000;
const LEADING_PUNCTUATION = '([{"\'<';
const TRAILING_PUNCTUATION = ')]}"\'>,;:.';

/** `value.replace(EDGE_PUNCTUATION, '')` without a regular expression: the value itself when it has none. */
function stripEdgePunctuation(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && LEADING_PUNCTUATION.includes(value[start]!)) start++;
  while (end > start && TRAILING_PUNCTUATION.includes(value[end - 1]!)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

interface OpenSession {
  readonly templateIds: string[];
  lastMs: number;
}

/**
 * Groups records into sessions by an identifier among their parameters (a block, request or trace id)
 * and hands sessions back once idle. Open sessions are kept in a Map ordered by last activity, so the
 * idle ones are always at its front.
 */
export class SessionTracker {
  private readonly open = new Map<string, OpenSession>();
  /** By template text: whether one of its words names a session. */
  private readonly literalVerdicts = new Map<string, boolean>();

  constructor(private readonly options: SessionTrackerOptions) {}

  get openCount(): number {
    return this.open.size;
  }

  /**
   * The first parameter that names a session, else the first word of the message that does (a template
   * keeps an id as a literal word until a second id has been seen in its place), or null. Given the
   * record's template text, the words are read only when a literal word of that text names a session;
   * otherwise the parameters stripped of edge punctuation stand for the message's varying words.
   */
  sessionIdOf(parameters: readonly string[], message: string, templateText?: string): string | null {
    const pattern = this.options.pattern;
    for (const value of parameters) if (pattern.test(value)) return value;
    if (templateText !== undefined && !this.literalNamesSession(templateText)) {
      for (const value of parameters) {
        const bare = stripEdgePunctuation(value);
        if (bare !== value && bare !== '' && pattern.test(bare)) return bare;
      }
      return null;
    }
    for (const word of message.split(/\s+/)) {
      const bare = word.replace(EDGE_PUNCTUATION, '');
      if (bare !== '' && pattern.test(bare)) return bare;
    }
    return null;
  }

  /** Whether a word of a template text names a session, remembered per text (texts repeat record after record). */
  private literalNamesSession(templateText: string): boolean {
    let names = this.literalVerdicts.get(templateText);
    if (names === undefined) {
      if (this.literalVerdicts.size >= MAX_TEMPLATE_VERDICTS) this.literalVerdicts.clear();
      names = templateText.split(/\s+/).some((word) => {
        const bare = word.replace(EDGE_PUNCTUATION, '');
        return bare !== '' && this.options.pattern.test(bare);
      });
      this.literalVerdicts.set(templateText, names);
    }
    return names;
  }

  /** Adds a record to its session; returns the session closed early to stay within `maxOpen`, if any. */
  observe(sessionId: string, templateId: string, timestampMs: number): ClosedSession | null {
    let session = this.open.get(sessionId);
    if (session === undefined) {
      session = { templateIds: [], lastMs: timestampMs };
    } else {
      this.open.delete(sessionId);
    }
    if (session.templateIds.length < MAX_SESSION_RECORDS) session.templateIds.push(templateId);
    if (timestampMs > session.lastMs) session.lastMs = timestampMs;
    this.open.set(sessionId, session);
    if (this.open.size <= this.options.maxOpen) return null;
    const [oldestId, oldest] = this.open.entries().next().value as [string, OpenSession];
    this.open.delete(oldestId);
    return { id: oldestId, templateIds: oldest.templateIds, lastMs: oldest.lastMs };
  }

  /** Closes and returns the sessions idle at `watermarkMs`, least recently active first. */
  closeIdle(watermarkMs: number): ClosedSession[] {
    const closed: ClosedSession[] = [];
    for (const [id, session] of this.open) {
      if (session.lastMs > watermarkMs - this.options.idleMs) break;
      this.open.delete(id);
      closed.push({ id, templateIds: session.templateIds, lastMs: session.lastMs });
    }
    return closed;
  }
}

/** The verdict on one session once the judge has learnt. */
export interface SessionVerdict {
  readonly anomalous: boolean;
  readonly score: number;
  readonly threshold: number;
  readonly method: string;
}

/** Plain-data form of a judge, for the snapshot file: template ids by key, and the training sessions as keys. */
export interface SessionJudgeSnapshot {
  readonly keys: readonly string[];
  readonly training: readonly (readonly number[])[];
}

/**
 * Learns the usual sequences of templates from the first `trainingCount` complete sessions (the n-gram
 * model: fast, and the best on HDFS here), then judges every later one. Template ids map to small
 * integer keys; a template the model never saw is an unseen key, which is unusual by itself.
 */
export class SessionJudge {
  private readonly keyOf = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly training: Uint32Array[] = [];
  private detector: SequenceDetector | null = null;

  constructor(private readonly trainingCount: number) {}

  get trained(): boolean {
    return this.detector !== null;
  }

  /** Learns from the session while training, else judges it. */
  judge(session: ClosedSession): SessionVerdict | null {
    const keys = this.toKeys(session.templateIds);
    if (this.detector === null) {
      this.training.push(keys);
      if (this.training.length >= this.trainingCount) this.detector = trainNgram(this.training);
      return null;
    }
    const score = this.detector.score(keys);
    return { anomalous: score > this.detector.threshold, score, threshold: this.detector.threshold, method: this.detector.method };
  }

  snapshot(): SessionJudgeSnapshot {
    return { keys: [...this.keys], training: this.training.map((s) => Array.from(s)) };
  }

  static restore(snapshot: SessionJudgeSnapshot, trainingCount: number): SessionJudge {
    const judge = new SessionJudge(trainingCount);
    if (!Array.isArray(snapshot.keys) || !Array.isArray(snapshot.training)) throw new Error('cannot restore session judge: keys or training is not an array');
    for (const id of snapshot.keys) judge.toKeys([String(id)]);
    snapshot.training.forEach((session, i) => {
      if (!Array.isArray(session) || !session.every((k) => Number.isInteger(k) && k >= 1 && k <= judge.keys.length)) {
        throw new Error(`cannot restore session judge: training session ${i} holds a key outside 1..${judge.keys.length}`);
      }
      judge.training.push(Uint32Array.from(session));
    });
    if (judge.training.length >= trainingCount) judge.detector = trainNgram(judge.training);
    return judge;
  }

  private toKeys(templateIds: readonly string[]): Uint32Array {
    const keys = new Uint32Array(templateIds.length);
    templateIds.forEach((id, i) => {
      let key = this.keyOf.get(id);
      if (key === undefined) {
        this.keys.push(id);
        key = this.keys.length;
        this.keyOf.set(id, key);
      }
      keys[i] = key;
    });
    return keys;
  }
}
