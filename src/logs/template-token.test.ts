import { describe, expect, it } from 'vitest';
import { fitsPattern, fitsPieces, patternPieces, patternValues } from './template-token.js';

describe('pattern tokens', () => {
  const patterns = ['<*>:<*>', 'uid=<*>', '(<*>)', '<*>', 'a<*>b<*>', '<*><*>x', '[<*>],', 'ab<*>ab'];
  const words = ['10.0.0.1:80', '<*>:<*>', 'uid=0', 'uid=', '(<*>)', '()', 'ab', 'aab', 'a1b2', 'axbyx', 'x', '[<*>],', '[1]', 'abab', 'aba', ''];

  it('values are the shortest texts that let each next literal piece follow', () => {
    expect(patternValues('<*>:<*>', '10.0.0.1:80')).toEqual(['10.0.0.1', '80']);
    expect(patternValues('uid=<*>', 'gid=0')).toBeNull();
    expect(patternValues('ab<*>ab', 'aba')).toBeNull();
  });

  it('fitsPieces over split pieces answers as fitsPattern does for every pattern and word', () => {
    for (const pattern of patterns) {
      const pieces = patternPieces(pattern);
      for (const word of words) expect([pattern, word, fitsPieces(pieces, word)]).toEqual([pattern, word, fitsPattern(pattern, word)]);
      // The miner skips the search for a word equal to the pattern's text.
      expect(fitsPieces(pieces, pattern)).toBe(true);
    }
  });
});
