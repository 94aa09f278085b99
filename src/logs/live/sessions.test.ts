import { describe, expect, it } from 'vitest';
import { SessionJudge, SessionTracker } from './sessions.js';

describe('SessionTracker', () => {
  const pattern = /^blk_-?\d+$/;

  it('finds the session id among the parameters and closes sessions once idle, oldest first', () => {
    const tracker = new SessionTracker({ pattern, idleMs: 100, maxOpen: 10 });
    expect(tracker.sessionIdOf(['10.0.0.1', 'blk_-42', 'blk_7'], 'x')).toBe('blk_-42');
    expect(tracker.sessionIdOf(['10.0.0.1'], 'served 10.0.0.1')).toBeNull();
    expect(tracker.sessionIdOf(['/a/part-blk_1'], 'allocate /a/part-blk_1 (blk_1), done')).toBe('blk_1');
    // With the template text: its literal words are read only when one names a session.
    expect(tracker.sessionIdOf(['blk_9'], 'served blk_9', 'served <*>')).toBe('blk_9');
    expect(tracker.sessionIdOf(['(blk_3),'], 'read (blk_3), done', 'read <*> done')).toBe('blk_3');
    expect(tracker.sessionIdOf(['10.0.0.1'], 'read blk_4 from 10.0.0.1', 'read blk_4 from <*>')).toBe('blk_4');
    expect(tracker.sessionIdOf(['10.0.0.1'], 'read blk_4 from 10.0.0.1', 'read <*> from <*>')).toBeNull();
    tracker.observe('blk_1', 'A', 0);
    tracker.observe('blk_2', 'A', 10);
    tracker.observe('blk_1', 'B', 50);
    expect(tracker.closeIdle(109)).toEqual([]);
    expect(tracker.closeIdle(110)).toEqual([{ id: 'blk_2', templateIds: ['A'], lastMs: 10 }]);
    expect(tracker.closeIdle(149)).toEqual([]);
    expect(tracker.closeIdle(150)).toEqual([{ id: 'blk_1', templateIds: ['A', 'B'], lastMs: 50 }]);
    expect(tracker.openCount).toBe(0);
  });

  it('closes the least recently active session early beyond maxOpen', () => {
    const tracker = new SessionTracker({ pattern, idleMs: 1000, maxOpen: 2 });
    expect(tracker.observe('s1', 'A', 0)).toBeNull();
    expect(tracker.observe('s2', 'A', 1)).toBeNull();
    expect(tracker.observe('s1', 'B', 2)).toBeNull();
    expect(tracker.observe('s3', 'A', 3)).toEqual({ id: 's2', templateIds: ['A'], lastMs: 1 });
  });
});

describe('SessionJudge', () => {
  const normal = (n: number): string[] => ['open', ...Array<string>(n).fill('write'), 'close'];

  it('learns from the first sessions, then flags broken orders and unseen templates', () => {
    const judge = new SessionJudge(30);
    for (let i = 0; i < 30; i++) expect(judge.judge({ id: `s${i}`, templateIds: normal(1 + (i % 4)), lastMs: i })).toBeNull();
    expect(judge.trained).toBe(true);
    expect(judge.judge({ id: 'ok', templateIds: normal(3), lastMs: 0 })!.anomalous).toBe(false);
    expect(judge.judge({ id: 'cut', templateIds: ['open', 'write'], lastMs: 0 })!.anomalous).toBe(true);
    expect(judge.judge({ id: 'order', templateIds: ['write', 'open', 'close'], lastMs: 0 })!.anomalous).toBe(true);
    expect(judge.judge({ id: 'new', templateIds: ['open', 'write', 'panic', 'close'], lastMs: 0 })).toMatchObject({ anomalous: true, method: 'ngram' });
  });

  it('restores from its snapshot and judges the same', () => {
    const judge = new SessionJudge(20);
    for (let i = 0; i < 20; i++) judge.judge({ id: `s${i}`, templateIds: normal(1 + (i % 3)), lastMs: i });
    const restored = SessionJudge.restore(JSON.parse(JSON.stringify(judge.snapshot())), 20);
    const odd = { id: 'x', templateIds: ['open', 'close', 'write'], lastMs: 0 };
    expect(restored.judge(odd)).toEqual(judge.judge(odd));
    expect(() => SessionJudge.restore({ keys: ['a'], training: [[1, 2]] }, 5)).toThrow(/training session 0 holds a key outside 1..1/);
  });
});
