import { describe, expect, it } from 'vitest';
import { compilePythonRegex, pythonSub } from './python-regex.js';

describe('pythonSub', () => {
  it("replaces as Python's re.sub: \\1 and \\g<n> groups, every match, unmatched groups empty", () => {
    expect(pythonSub(compilePythonRegex('(^.*$)'), '\\1 A', 'sumSeries(a.*)')).toBe('sumSeries(a.*) A');
    expect(pythonSub(compilePythonRegex('^.*TCP(\\d+)'), '\\1', 'ip.10-0-0-1.TCP80')).toBe('80');
    expect(pythonSub(compilePythonRegex('(?P<host>web\\d+)'), 'host=\\g<host>', 'dc.web01.cpu')).toBe('dc.host=web01.cpu');
    expect(pythonSub(compilePythonRegex('\\.'), '_', 'a.b.c')).toBe('a_b_c');
    expect(pythonSub(compilePythonRegex('(x)|(b)'), '[\\1\\2]', 'abc')).toBe('a[b]c');
    expect(pythonSub(compilePythonRegex('b'), '$1\\\\', 'abc')).toBe('a$1\\c');
  });

  it('names the pattern that does not compile', () => {
    expect(() => compilePythonRegex('(a')).toThrow('cannot compile regular expression "(a"');
  });
});
