import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainDeepLog } from './deeplog.js';
import type { DeepLogDetector } from './deeplog.js';
import { DEFAULT_DEEPLOG_PARAMS, resolveDeepLogParams } from './deeplog-params.js';
import { session, syntheticNormalSessions } from './synthetic.testsuite.js';

const all = syntheticNormalSessions(60);
// Interleaved blocks of three replicas with a verify (n % 30 === 20) are held out; each of their windows of four
// keys occurs in other training sessions, so the model has seen every step but not the whole.
const heldOut = all[20]!;
const train = all.filter((_, n) => n % 30 !== 20);
// Tiny model. After [1 2 3] three keys may follow (2, 5, 4), so g = 3 places every other key below the top-g. A
// small cache makes scoring start it over many times.
const params = { historyLength: 4, topCandidates: 3, hiddenUnits: 16, layers: 2, epochs: 60, batchSize: 64, learningRate: 0.03, cachedWindows: 16 };

describe('DeepLog sequence detector', () => {
  let detector: DeepLogDetector;
  beforeAll(async () => {
    detector = await trainDeepLog(train, params);
  });
  afterAll(() => detector.dispose());

  it('accepts every training session and a normal variant it never saw whole', () => {
    expect(detector.method).toBe('deeplog');
    expect(detector.threshold).toBe(3);
    expect(detector.backend).toBe('wasm');
    for (const s of train) expect(detector.isAnomalous(s)).toBe(false);
    expect(Array.from(heldOut)).toEqual([1, 2, 3, 2, 3, 2, 3, 5, 4]);
    expect(detector.isAnomalous(heldOut)).toBe(false);
  });

  it('flags keys out of order, a block cut short and a key never seen', () => {
    expect(detector.isAnomalous(session(1, 2, 3, 3, 4))).toBe(true);
    expect(detector.isAnomalous(session(1, 2, 3, 1, 4))).toBe(true);
    expect(detector.isAnomalous(session(1, 2, 3))).toBe(true);
    // Seven classes (pad, keys 1-5, end): an unseen key scores above any rank.
    expect(detector.score(session(1, 2, 3, 9, 4))).toBe(8);
    expect(detector.score(session(1, 2, 6, 3, 4))).toBe(8);
  });

  it('scores many sessions in one call as one at a time', () => {
    const sessions = [...all.slice(0, 12), session(1, 2, 3), session(1, 9), session(), session(1, ...Array<number>(300).fill(2), 4)];
    const many = detector.scoreMany(sessions);
    expect(Array.from(many)).toEqual(sessions.map((s) => detector.score(s)));
    expect(many.every((x) => Number.isFinite(x) && x >= 1)).toBe(true);
    expect(detector.lossHistory).toHaveLength(60);
    expect(detector.lossHistory.at(-1)!).toBeLessThan(detector.lossHistory[0]! / 2);
  });

  it('repeats itself for a seed', async () => {
    const quick = { ...params, epochs: 2, seed: 5 };
    const [a, b] = [await trainDeepLog(train, quick), await trainDeepLog(train, quick)];
    try {
      expect(b.lossHistory).toEqual(a.lossHistory);
      expect(b.scoreMany(all)).toEqual(a.scoreMany(all));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('names a bad parameter and an empty training set', async () => {
    expect(resolveDeepLogParams()).toEqual(DEFAULT_DEEPLOG_PARAMS);
    expect(DEFAULT_DEEPLOG_PARAMS).toMatchObject({ historyLength: 10, topCandidates: 9, hiddenUnits: 64, layers: 2 });
    expect(() => resolveDeepLogParams({ topCandidates: 0 })).toThrow('cannot train deeplog: topCandidates must be an integer >= 1, got 0');
    expect(() => resolveDeepLogParams({ historyLength: 2.5 })).toThrow('cannot train deeplog: historyLength must be an integer >= 1, got 2.5');
    expect(() => resolveDeepLogParams({ learningRate: 0 })).toThrow('cannot train deeplog: learningRate must be a finite number > 0, got 0');
    expect(() => resolveDeepLogParams({ windowWeighting: 'log' as never })).toThrow('cannot train deeplog: windowWeighting must be occurrences, sqrt-occurrences or uniform, got "log"');
    expect(() => resolveDeepLogParams({ window: 10 } as never)).toThrow('cannot train deeplog: unknown parameter "window"');
    await expect(trainDeepLog(train, { epochs: -1 })).rejects.toThrow('cannot train deeplog: epochs must be an integer >= 1, got -1');
    await expect(trainDeepLog([])).rejects.toThrow('cannot train deeplog: no training sessions');
  });
});
