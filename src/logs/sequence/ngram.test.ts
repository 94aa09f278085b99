import { describe, expect, it } from 'vitest';
import { trainNgram } from './ngram.js';
import { session, syntheticNormalSessions } from './synthetic.testsuite.js';

const train = syntheticNormalSessions(60);
const params = { historyLength: 4, topCandidates: 3, minContextCount: 3 };

describe('n-gram sequence detector', () => {
  const detector = trainNgram(train, params);

  it('accepts every training session and unseen normal variants', () => {
    for (const s of train) expect(detector.score(s)).toBe(0);
    expect(detector.isAnomalous(session(1, 2, 3, 2, 3, 4))).toBe(false);
    expect(detector.isAnomalous(session(1, 2, 2, 3, 3, 4))).toBe(false);
    expect(detector.isAnomalous(session(1, 2, 3, 5, 4))).toBe(false);
  });

  it('flags an unseen transition, a session cut short, a wrong first key and a key never seen', () => {
    expect(detector.isAnomalous(session(1, 3, 2, 4))).toBe(true);
    expect(detector.isAnomalous(session(1, 2, 3))).toBe(true);
    expect(detector.isAnomalous(session(2, 3, 4))).toBe(true);
    expect(detector.isAnomalous(session(1, 2, 3, 9, 4))).toBe(true);
    expect(detector.score(session(1, 3, 2, 4))).toBeGreaterThanOrEqual(1);
  });

  it('rejects a seen follower that is not among the top-g of its history', () => {
    // After "a" training saw b 10 times, c 5 times and d once.
    const skewed = [...Array<number[]>(10).fill([1, 2]), ...Array<number[]>(5).fill([1, 3]), [1, 4]].map((k) => session(...k));
    expect(trainNgram(skewed, { historyLength: 1, topCandidates: 2, minContextCount: 1 }).isAnomalous(session(1, 4))).toBe(true);
    expect(trainNgram(skewed, { historyLength: 1, topCandidates: 2, minContextCount: 1 }).isAnomalous(session(1, 3))).toBe(false);
    expect(trainNgram(skewed, { historyLength: 1, topCandidates: 3, minContextCount: 1 }).isAnomalous(session(1, 4))).toBe(false);
  });

  it('backs off from a history too rare to judge to the next shorter one', () => {
    const rare = [session(1, 2, 4), session(1, 2, 4), session(1, 2, 4), session(3, 2, 5)];
    // "3 2" was seen once (followed by 5); with minContextCount 2 the history "2" decides, which allows 4 and 5.
    expect(trainNgram(rare, { historyLength: 2, topCandidates: 2, minContextCount: 2 }).isAnomalous(session(3, 2, 4))).toBe(false);
    expect(trainNgram(rare, { historyLength: 2, topCandidates: 2, minContextCount: 1 }).isAnomalous(session(3, 2, 4))).toBe(true);
  });

  it('scores sessions longer than any seen in training', () => {
    const long = session(1, ...Array<number>(200).fill(2), 4);
    expect(detector.isAnomalous(long)).toBe(true);
  });

  it('names a bad parameter', () => {
    expect(() => trainNgram(train, { ...params, topCandidates: 0 })).toThrow('cannot train ngram: topCandidates must be an integer >= 1, got 0');
  });
});
