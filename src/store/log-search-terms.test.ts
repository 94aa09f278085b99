import { expect, it } from 'vitest';
import { parseLogSearchTerms } from './log-search-terms.js';

it('splits terms on whitespace of any kind', () => {
  expect(parseLogSearchTerms('  disk\tfull\nerror\u00a0now ')).toEqual({ include: ['disk', 'full', 'error', 'now'], exclude: [] });
});

it('keeps a quoted phrase as one term, with its inner spaces', () => {
  expect(parseLogSearchTerms('"connection  reset" by peer')).toEqual({ include: ['connection  reset', 'by', 'peer'], exclude: [] });
});

it('excludes terms and phrases that start with a minus', () => {
  expect(parseLogSearchTerms('error -debug -"health check"')).toEqual({ include: ['error'], exclude: ['debug', 'health check'] });
});

it('runs an unclosed quote to the end and drops empty phrases', () => {
  expect(parseLogSearchTerms('a "" "b c')).toEqual({ include: ['a', 'b c'], exclude: [] });
});

it('reads a lone minus and inner minuses literally', () => {
  expect(parseLogSearchTerms('- x-y --z')).toEqual({ include: ['-', 'x-y'], exclude: ['-z'] });
});

it('leaves SQL wildcard and quote characters alone', () => {
  expect(parseLogSearchTerms("100% a_b c\\d 'e'")).toEqual({ include: ['100%', 'a_b', 'c\\d', "'e'"], exclude: [] });
});

it('gives no terms for an empty or blank query', () => {
  expect(parseLogSearchTerms('')).toEqual({ include: [], exclude: [] });
  expect(parseLogSearchTerms('   ')).toEqual({ include: [], exclude: [] });
});
