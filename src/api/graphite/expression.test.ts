import { describe, expect, it } from 'vitest';
import { firstPathExpression, parseTarget, TargetSyntaxError } from './expression.js';

function syntaxError(target: string): TargetSyntaxError {
  try {
    parseTarget(target);
  } catch (err) {
    if (err instanceof TargetSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(target)} not to parse`);
}

describe('parseTarget', () => {
  it('reads a path with globs, braces, brackets and tags as one path expression', () => {
    expect(parseTarget('servers.web-0[1-3].{cpu,mem}.*')).toEqual({ kind: 'path', pattern: 'servers.web-0[1-3].{cpu,mem}.*', position: 0 });
    expect(parseTarget('cpu.load;host=a;dc=eu-1')).toMatchObject({ kind: 'path', pattern: 'cpu.load;host=a;dc=eu-1' });
    expect(parseTarget('10.0.0.1.cpu')).toMatchObject({ kind: 'path', pattern: '10.0.0.1.cpu' });
  });

  it('reads nested calls with numbers, strings in either quote, booleans, None, inf and keyword arguments', () => {
    const expr = parseTarget(`summarize(scale(a.b, -2.5), "1h", 'avg', alignToFrom=true)`);
    expect(expr).toMatchObject({
      kind: 'call',
      name: 'summarize',
      args: [
        { kind: 'call', name: 'scale', args: [{ kind: 'path', pattern: 'a.b' }, { kind: 'number', value: -2.5, isInteger: false }] },
        { kind: 'string', value: '1h' },
        { kind: 'string', value: 'avg' },
      ],
      kwargs: [{ name: 'alignToFrom', value: { kind: 'boolean', value: true } }],
    });
    expect(parseTarget('keepLastValue(a, inf)')).toMatchObject({ args: [{ kind: 'path' }, { kind: 'inf' }] });
    expect(parseTarget('transformNull(a, 0, None)')).toMatchObject({ args: [{ kind: 'path' }, { kind: 'number', value: 0, isInteger: true }, { kind: 'none' }] });
    expect(parseTarget('scale(a, 1e3)')).toMatchObject({ args: [{}, { kind: 'number', value: 1000, isInteger: false, text: '1e3' }] });
    expect(parseTarget('f(a,TRUE,False)')).toMatchObject({ args: [{}, { kind: 'boolean', value: true }, { kind: 'boolean', value: false }] });
  });

  it('keeps a call as written (raw) and strings as written between their quotes', () => {
    const expr = parseTarget(`sumSeries(seriesByTag('name=cpu', "dc=~eu\\.a"))`);
    expect(expr).toMatchObject({ kind: 'call', raw: `sumSeries(seriesByTag('name=cpu', "dc=~eu\\.a"))` });
    expect(expr.kind === 'call' && expr.args[0]).toMatchObject({ raw: `seriesByTag('name=cpu', "dc=~eu\\.a")`, args: [{ value: 'name=cpu' }, { value: 'dc=~eu\\.a' }] });
    expect(parseTarget(`alias(a, 'it\\'s')`)).toMatchObject({ args: [{}, { kind: 'string', value: "it\\'s" }] });
  });

  it('turns piped calls into nested calls', () => {
    expect(parseTarget('a.b | scale(2) |alias("x")')).toMatchObject({
      kind: 'call',
      name: 'alias',
      args: [{ kind: 'call', name: 'scale', args: [{ kind: 'path', pattern: 'a.b' }, { value: 2 }] }, { value: 'x' }],
    });
  });

  it('reads numbers only before , or ) and identifiers as calls only before (', () => {
    expect(parseTarget('scale(1.5.x, 3)')).toMatchObject({ args: [{ kind: 'path', pattern: '1.5.x' }, { kind: 'number', value: 3 }] });
    expect(parseTarget('f(true.metric)')).toMatchObject({ args: [{ kind: 'path', pattern: 'true.metric' }] });
    expect(parseTarget('sumSeries (a)')).toMatchObject({ kind: 'call', name: 'sumSeries' });
    expect(parseTarget('a\\(b\\).c')).toMatchObject({ kind: 'path', pattern: 'a(b).c' });
  });

  it('names the position and what was expected when a target does not parse', () => {
    const unclosed = syntaxError('sumSeries(a.b, c.d');
    expect(unclosed.position).toBe(18);
    expect(unclosed.message).toBe(`cannot parse target "sumSeries(a.b, c.d": expected ',' or ')' to continue the arguments of sumSeries() at position 18 (end of target)`);
    expect(syntaxError('scale(a.b, "x)').message).toContain('expected a closing " for the string that starts at position 11');
    expect(syntaxError('a..b').position).toBe(2);
    expect(syntaxError('a.{b,c').message).toContain("expected '}'");
    expect(syntaxError('sumSeries(a) extra').position).toBe(13);
    expect(syntaxError('scale(a, x=1, 2)').message).toContain('a keyword argument (name=value) after keyword arguments');
    expect(syntaxError('a | 3').message).toContain('a function call after |');
    expect(syntaxError('').message).toContain('a series path or a function call at position 0');
  });
});

describe('firstPathExpression', () => {
  it('follows first arguments to the first path, as graphite-web does for aliasByNode', () => {
    expect(firstPathExpression('movingAverage(sumSeries(a.b.*),5)')).toBe('a.b.*');
    expect(firstPathExpression('timeShift(a.b, "-1d")')).toBe('a.b');
    expect(firstPathExpression("sumSeries(seriesByTag('name=x'))")).toBeNull();
    expect(firstPathExpression('weird name (')).toBeNull();
  });
});
