import { describe, expect, it } from 'vitest';
import type { StatsdLineProblem } from './line.js';
import { parseStatsdLine, StatsdLine } from './line.js';

interface Parsed {
  readonly name: string;
  readonly identity: string;
  readonly tags: [string, string][];
  readonly samples: { type: string; value: number | string; delta?: true; rate?: number }[];
}

const line = new StatsdLine();

function parse(text: string): Parsed | StatsdLineProblem {
  const problem = parseStatsdLine(text, 0, text.length, line);
  if (problem !== null) return problem;
  return {
    name: line.name,
    identity: line.identity,
    tags: line.tagNames.map((name, i) => [name, line.tagValues[i]!]),
    samples: Array.from({ length: line.sampleCount }, (_, i) => ({
      type: line.types[i]!,
      value: line.types[i] === 's' ? line.members[i]! : line.values[i]!,
      ...(line.deltas[i] ? { delta: true as const } : {}),
      ...(line.sampleRates[i] !== 1 ? { rate: line.sampleRates[i]! } : {}),
    })),
  };
}

describe('parseStatsdLine', () => {
  it("reads the statsd spec's examples: counters, sampling, timers, gauges and their changes, sets", () => {
    expect(parse('gorets:1|c')).toEqual({ name: 'gorets', identity: 'gorets', tags: [], samples: [{ type: 'c', value: 1 }] });
    expect(parse('gorets:1|c|@0.1')).toMatchObject({ samples: [{ type: 'c', value: 1, rate: 0.1 }] });
    expect(parse('glork:320|ms|@0.1')).toMatchObject({ samples: [{ type: 'ms', value: 320, rate: 0.1 }] });
    expect(parse('gaugor:333|g')).toMatchObject({ samples: [{ type: 'g', value: 333 }] });
    expect(parse('gaugor:-10|g')).toMatchObject({ samples: [{ type: 'g', value: -10, delta: true }] });
    expect(parse('gaugor:+4|g')).toMatchObject({ samples: [{ type: 'g', value: 4, delta: true }] });
    expect(parse('uniques:765|s')).toMatchObject({ samples: [{ type: 's', value: '765' }] });
    expect(parse('x:1.5e2|h')).toMatchObject({ samples: [{ type: 'h', value: 150 }] });
    expect(parse('x:-.5|d')).toMatchObject({ samples: [{ type: 'd', value: -0.5 }] });
  });

  it("reads Etsy statsd's several samples of one metric in a line", () => {
    expect(parse('gorets:1|c:2|c|@0.5:320|ms')).toMatchObject({
      name: 'gorets',
      samples: [
        { type: 'c', value: 1 },
        { type: 'c', value: 2, rate: 0.5 },
        { type: 'ms', value: 320 },
      ],
    });
  });

  it('reads DogStatsD tags, multi-values, container id, external data, cardinality and timestamp fields', () => {
    expect(parse('page.views:1|c|#env:prod,host:web-1,url:http://x')).toEqual({
      name: 'page.views',
      identity: 'page.views|#env:prod,host:web-1,url:http://x',
      tags: [
        ['env', 'prod'],
        ['host', 'web-1'],
        ['url', 'http://x'],
      ],
      samples: [{ type: 'c', value: 1 }],
    });
    // Datadog allows bare tags and `/` in tag names; series tags need a value and plainer names.
    expect(parse('deploys:1|c|#canary,app.kubernetes.io/name:web,team:')).toMatchObject({
      tags: [
        ['canary', 'true'],
        ['app.kubernetes.io_name', 'web'],
        ['team', 'true'],
      ],
    });
    expect(parse('users.online:1:2:3|h|@0.5|#shard:a')).toMatchObject({
      samples: [
        { type: 'h', value: 1, rate: 0.5 },
        { type: 'h', value: 2, rate: 0.5 },
        { type: 'h', value: 3, rate: 0.5 },
      ],
    });
    expect(parse('m:5|g|#a:b|c:83a7f1e|e:it-false,cn-app,pu-1234|card:low|T1656581400')).toMatchObject({ tags: [['a', 'b']], samples: [{ type: 'g', value: 5 }] });
  });

  it("reads Telegraf's tags in the name", () => {
    expect(parse('users.current,service=payroll,region=us-west:32|g')).toEqual({
      name: 'users.current',
      identity: 'users.current,service=payroll,region=us-west',
      tags: [
        ['service', 'payroll'],
        ['region', 'us-west'],
      ],
      samples: [{ type: 'g', value: 32 }],
    });
  });

  it('says why a line is rejected', () => {
    expect(parse('no colon here')).toEqual({ reason: 'malformed_line', cause: 'expected <name>:<value>|<type>' });
    expect(parse(':1|c')).toEqual({ reason: 'bad_series', cause: 'the metric name is empty' });
    expect(parse('x:1')).toEqual({ reason: 'malformed_line', cause: 'expected |<type> after "1"' });
    expect(parse('x:1|q')).toEqual({ reason: 'malformed_line', cause: 'unknown metric type "q" (expected c, g, ms, h, d or s)' });
    expect(parse('x:abc|c')).toEqual({ reason: 'bad_value', cause: 'value "abc" is not a decimal number' });
    expect(parse('x:0x10|c')).toEqual({ reason: 'bad_value', cause: 'value "0x10" is not a decimal number' });
    expect(parse('x:NaN|g')).toEqual({ reason: 'nan_value', cause: 'value "NaN" is NaN' });
    expect(parse('x:1e999|ms')).toEqual({ reason: 'bad_value', cause: 'value "1e999" is out of range' });
    expect(parse('x:|c')).toEqual({ reason: 'bad_value', cause: 'a value is empty' });
    expect(parse('x:1|c|@2')).toEqual({ reason: 'malformed_line', cause: 'sample rate "2" must be a number in (0, 1]' });
    expect(parse('x:1|c|@0')).toEqual({ reason: 'malformed_line', cause: 'sample rate "0" must be a number in (0, 1]' });
    expect(parse('x:1|c|#:prod')).toEqual({ reason: 'bad_series', cause: 'tag ":prod" has no name' });
    expect(parse('x,env:1|c')).toEqual({ reason: 'bad_series', cause: 'tag "env" in the name must be key=value' });
    expect(parse('x:1|c|zzz')).toEqual({ reason: 'malformed_line', cause: 'unknown field "zzz"' });
    expect(parse('_e{5,4}:title|text')).toEqual({ reason: 'malformed_line', cause: 'DogStatsD events and service checks are not metrics' });
    expect(parse('_sc|my.check|0')).toEqual({ reason: 'malformed_line', cause: 'DogStatsD events and service checks are not metrics' });
  });

  it('parses a line inside a larger text without looking past its end', () => {
    const text = 'a:1|c\nb:2|g|#k:v\nc:3';
    expect(parseStatsdLine(text, 6, 16, line)).toBeNull();
    expect([line.name, line.values[0], line.tagNames, line.sampleCount]).toEqual(['b', 2, ['k'], 1]);
    expect(parseStatsdLine(text, 0, 3, line)).toEqual({ reason: 'malformed_line', cause: 'expected |<type> after "1"' });
  });
});
