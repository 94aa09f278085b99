import { writeFile } from 'node:fs/promises';

/** Phases a rank's step is made of, as the timeline names them (Horovod's vocabulary where it has one). */
export type TimelinePhase = 'compute' | 'negotiate' | 'queue' | 'copy-in' | 'reduce-scatter' | 'all-gather' | 'copy-out' | 'apply' | 'commit';

/** One span on one rank: absolute times (Unix ms with fractions), so ranks in other threads or processes line up. */
export interface TimelineSpan {
  /** The worker (stable across re-formed rings; rank numbers are not). */
  readonly worker: number;
  readonly phase: TimelinePhase;
  readonly startMs: number;
  readonly endMs: number;
  /** What the span worked on, e.g. the fused tensors' names and bytes. */
  readonly detail?: string;
}

/** Collects a rank's spans until they are shipped to the driver. */
export class SpanRecorder {
  private spans: TimelineSpan[] = [];

  constructor(readonly worker: number) {}

  add(phase: TimelinePhase, startMs: number, endMs: number, detail?: string): void {
    this.spans.push({ worker: this.worker, phase, startMs, endMs, ...(detail === undefined ? {} : { detail }) });
  }

  /** The spans recorded since the last drain. */
  drain(): TimelineSpan[] {
    const spans = this.spans;
    this.spans = [];
    return spans;
  }
}

/**
 * Chrome's trace event format (complete events, microseconds), one row per worker, so the file opens in
 * chrome://tracing or Perfetto. Times start at the first span.
 */
export function chromeTrace(spans: readonly TimelineSpan[]): { traceEvents: object[]; displayTimeUnit: 'ms' } {
  const originMs = spans.reduce((min, s) => Math.min(min, s.startMs), Number.POSITIVE_INFINITY);
  const workers = [...new Set(spans.map((s) => s.worker))].sort((a, b) => a - b);
  const names = workers.map((worker) => ({ name: 'thread_name', ph: 'M', pid: 1, tid: worker, args: { name: `worker ${worker}` } }));
  const events = spans.map((s) => ({
    name: s.phase,
    cat: s.phase === 'compute' || s.phase === 'apply' || s.phase === 'commit' ? 'train' : 'allreduce',
    ph: 'X',
    pid: 1,
    tid: s.worker,
    ts: Math.round((s.startMs - originMs) * 1000),
    dur: Math.max(0, Math.round((s.endMs - s.startMs) * 1000)),
    ...(s.detail === undefined ? {} : { args: { detail: s.detail } }),
  }));
  return { traceEvents: [...names, ...events], displayTimeUnit: 'ms' };
}

export async function writeChromeTrace(path: string, spans: readonly TimelineSpan[]): Promise<void> {
  try {
    await writeFile(path, JSON.stringify(chromeTrace(spans)));
  } catch (err) {
    throw new Error(`cannot write timeline ${path}: ${(err as Error).message}`);
  }
}
