import { describe, expect, it } from 'vitest';
import { runTraining } from './driver.js';
import { threadRankLauncher } from './thread-launcher.js';
import { chromeTrace, type TimelinePhase } from './timeline.js';
import { examples, forecaster, job } from './training.testsuite.js';

describe('training timeline', () => {
  it('records compute, both halves of each allreduce and apply for every worker, as a valid Chrome trace', async () => {
    const result = await runTraining({ model: forecaster, job: job(6, { epochs: 1 }), examples, launcher: threadRankLauncher(), workers: 2, timeline: true });
    expect(result.state.position.step).toBeGreaterThan(0);
    for (const worker of [0, 1]) {
      const spans = result.spans.filter((s) => s.worker === worker);
      const phases = new Set<TimelinePhase>(spans.map((s) => s.phase));
      for (const phase of ['compute', 'queue', 'copy-in', 'negotiate', 'reduce-scatter', 'all-gather', 'copy-out', 'apply'] as const) expect(phases.has(phase), `worker ${worker}: ${phase}`).toBe(true);
      // One span per phase per allreduce: as many of each phase as there are allreduces.
      const count = (phase: TimelinePhase): number => spans.filter((s) => s.phase === phase).length;
      expect(count('negotiate')).toBe(count('reduce-scatter'));
      expect(count('all-gather')).toBe(count('reduce-scatter'));
      expect(count('reduce-scatter')).toBeGreaterThan(count('compute'));
      for (const span of spans) expect(span.startMs <= span.endMs, JSON.stringify(span)).toBe(true);
    }

    const trace = JSON.parse(JSON.stringify(chromeTrace(result.spans))) as { traceEvents: { ph: string; name: string; ts: number; dur: number; tid: number }[] };
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(complete).toHaveLength(result.spans.length);
    for (const event of complete) {
      expect(typeof event.name).toBe('string');
      expect(Number.isFinite(event.ts) && Number.isFinite(event.dur) && event.dur >= 0).toBe(true);
    }
    expect(new Set(complete.map((e) => e.tid))).toEqual(new Set([0, 1]));
  });
});
