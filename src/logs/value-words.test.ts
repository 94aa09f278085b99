import { describe, expect, it } from 'vitest';
import { joinValueWords, TemplateMiner } from './index.js';
import { valueWordFlags, WORD_BRACKETED, WORD_ENDS_WILDCARD, WORD_HAS_WILDCARD, WORD_UNIT, WORD_VALUE_MARK } from './value-words.js';

describe('joinValueWords', () => {
  it('joins a unit to its number and a lone bracketed value to the word before, raw words alike', () => {
    const words = ['<*>', 'bytes', '(<*>', 'KB)', 'sent,', 'lifetime', '<*>', 'sec', 'from', '<*>', '()', 'at'];
    const raw = ['403', 'bytes', '(0.39', 'KB)', 'sent,', 'lifetime', '<1', 'sec', 'from', '10.0.0.1', '()', 'at'];
    const n = joinValueWords(words, words.length, raw);
    expect(words).toEqual(['<*>', 'bytes (<*>)', 'sent,', 'lifetime', '<*>', 'from', '<*> ()', 'at']);
    expect(raw).toEqual(['403', 'bytes (0.39 KB)', 'sent,', 'lifetime', '<1 sec', 'from', '10.0.0.1 ()', 'at']);
    expect(n).toBe(8);
  });

  it('leaves units after constant words and bracketed text alone', () => {
    const words = ['size', 'KB', '(order:', '<*>)', 'seconds'];
    expect(joinValueWords(words, words.length, null)).toBe(5);
  });
});

describe('TemplateMiner with values stated with units', () => {
  it('groups messages whether or not they restate a size in brackets, and returns the values', () => {
    const miner = new TemplateMiner();
    const a = miner.match('mail.example.com:443 close, 0 bytes sent, 0 bytes received, lifetime 00:01');
    const b = miner.match('www.example.org:80 close, 403 bytes (0.39 KB) sent, 426 bytes received, lifetime <1 sec');
    const c = miner.match('proxy.cs.example.ac.uk:5070 close, 1024 bytes (1.00 KB) sent, 2048 bytes (2.00 KB) received, lifetime 02:10');
    expect(b.templateId).toBe(a.templateId);
    expect(c.templateId).toBe(a.templateId);
    expect(b.parameters).toEqual(['www.example.org', '80', '403', 'bytes (0.39 KB)', '426', '<1 sec']);
  });
});

describe('valueWordFlags', () => {
  it('marks values, wildcards, units and lone bracketed values as the string tests would', () => {
    const words = ['<*>', 'a<*>', '<*>:<*>', '<*>b', '(<*>)', '[<*>],', '()', '(<*>', 'KB)', 'kb', 'Secs,', 'sec.', 'b', 'bytes', '(x)', '<1', '12', 'x<', '<*', 'ms)', '\u212AB', ''];
    for (const word of words) {
      const flags = valueWordFlags(word);
      expect([word, (flags & WORD_VALUE_MARK) !== 0]).toEqual([word, /[0-9<]/.test(word)]);
      expect([word, (flags & WORD_HAS_WILDCARD) !== 0]).toEqual([word, word.includes('<*>')]);
      expect([word, (flags & WORD_ENDS_WILDCARD) !== 0]).toEqual([word, word.endsWith('<*>')]);
    }
    const unit = (w: string): boolean => (valueWordFlags(w) & WORD_UNIT) !== 0;
    const bracketed = (w: string): boolean => (valueWordFlags(w) & WORD_BRACKETED) !== 0;
    expect(['KB)', 'kb', 'Secs,', 'sec.', 'b', 'ms)', '\u212AB'].every(unit)).toBe(true);
    expect(['bytes', 'x', '<*>', '', 'KBs'].some(unit)).toBe(false);
    expect(['(<*>)', '[<*>],', '()', '{<*>};'].every(bracketed)).toBe(true);
    expect(['(<*>', '(x)', '<*>', '', '(<*>)x'].some(bracketed)).toBe(false);
  });
});
