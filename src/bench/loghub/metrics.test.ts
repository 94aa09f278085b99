import { describe, expect, it } from 'vitest';
import { groupingAccuracy, normaliseTemplate, parseCsv, parsingAccuracy, scoreParsing, templateAccuracy } from './index.js';

describe('Loghub-2.0 metrics on hand-computed cases', () => {
  it('grouping accuracy counts a true group only when one mined group holds exactly its messages', () => {
    // A: both in x, and x holds nothing else -> 2 messages, 1 group right. B split over y/z; C shares y with B.
    const { GA, FGA } = groupingAccuracy(['A', 'A', 'B', 'B', 'C'], ['x', 'x', 'y', 'z', 'y']);
    expect(GA).toBeCloseTo(2 / 5, 12);
    // precision 1 of 3 mined groups, recall 1 of 3 true groups.
    expect(FGA).toBeCloseTo(1 / 3, 12);
  });

  it('parsing accuracy is the share of exact template matches; template accuracy needs one true template equal to the mined one', () => {
    const truth = ['a <*>', 'a <*>', 'b', 'b', 'c'];
    const parsed = ['a <*>', 'a <*>', 'b', 'b <*>', 'b'];
    expect(parsingAccuracy(truth, parsed)).toBeCloseTo(3 / 5, 12);
    const { FTA, PTA, RTA } = templateAccuracy(truth, parsed);
    expect(PTA).toBeCloseTo(1 / 3, 12);
    expect(RTA).toBeCloseTo(1 / 3, 12);
    expect(FTA).toBeCloseTo(1 / 3, 12);
    expect(scoreParsing(truth, parsed)).toMatchObject({ GA: 2 / 5, PA: 3 / 5, parsedTemplates: 3, truthTemplates: 3 });
  });

  it('a perfect parse scores 1 everywhere; nothing right scores 0', () => {
    expect(scoreParsing(['a', 'b', 'b'], ['a', 'b', 'b'])).toMatchObject({ GA: 1, FGA: 1, PA: 1, FTA: 1 });
    expect(scoreParsing(['a', 'b'], ['x', 'x'])).toMatchObject({ GA: 0, FGA: 0, PA: 0, FTA: 0 });
  });

  it('refuses mismatched lengths', () => {
    expect(() => parsingAccuracy(['a'], [])).toThrow(/cannot score parsing: 1 true templates but 0 mined/);
  });
});

describe('normaliseTemplate (Loghub-2.0 template correction)', () => {
  it.each([
    ['  a   b ', 'a b'],
    ['open /var/log/x failed', 'open <*> failed'],
    ['user root logged 123 times, ok=True', 'user <*> logged <*> times, ok=<*>'],
    ['from 10.0.0.1:80', 'from <*>:<*>'],
    ['block blk_<*> done', 'block <*> done'],
    ['<*> <*> and <*><*>', '<*> <*> and <*>'],
    ['retry a-1', 'retry a-<*>'],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseTemplate(input)).toBe(expected);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\n1,\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"\nthere'], ['1', '']]);
  });
});
