import { describe, expect, it } from 'vitest';
import { parseJsonLogLines, parsePlainLogLines, severityOfText } from './json-logs.js';

const defaults = { receivedAtMs: 1_700_000_000_000, host: '10.0.0.9', source: 'api' };

describe('parseJsonLogLines', () => {
  it('reads the common shapes of JSON log lines (pino, bunyan, logstash, plain objects)', () => {
    const text = [
      '{"level":50,"time":1700000001000,"pid":7,"hostname":"web-1","msg":"request failed","reqId":"r1"}',
      '{"@timestamp":"2023-11-14T22:13:22.000Z","message":"disk full","level":"WARN","host":"db-1","fields":{"mount":"/var"}}',
      '{"timestampMs":1700000003000,"message":"ok","severity":"error","source":"app.log","sourcetype":"json","appName":"svc","status":200,"slow":true}',
      '{"ts":1700000004,"log":"plain"}',
    ].join('\n');
    const { records, rejections } = parseJsonLogLines(text, defaults);
    expect(rejections).toEqual([]);
    expect(records).toEqual([
      { timestampMs: 1700000001000, host: 'web-1', source: 'api', severity: 'error', message: 'request failed', fields: { pid: '7', reqId: 'r1' } },
      { timestampMs: Date.parse('2023-11-14T22:13:22.000Z'), host: 'db-1', source: 'api', severity: 'warning', message: 'disk full', fields: { mount: '/var' } },
      { timestampMs: 1700000003000, host: '10.0.0.9', source: 'app.log', sourcetype: 'json', severity: 'error', appName: 'svc', message: 'ok', fields: { status: '200', slow: 'true' } },
      { timestampMs: 1700000004000, host: '10.0.0.9', source: 'api', severity: 'info', message: 'plain', fields: {} },
    ]);
  });

  it('a numeric level 0-7 is a syslog code, 10-60 a pino level; unknown names are refused', () => {
    const { records, rejections } = parseJsonLogLines('{"message":"a","severity":3}\n{"message":"b","level":"loud"}', defaults);
    expect(records.map((r) => r.severity)).toEqual(['error']);
    expect(rejections).toEqual([{ line: 2, reason: 'malformed_line', message: 'line 2: level "loud" is not a level name (error, warn, info, ...), a syslog code 0-7 or a pino level 10-60' }]);
  });

  it('rejects bad lines with their number and cause and keeps the rest', () => {
    const text = '{"message":"one"}\n\n{"message":\n["x"]\n{"msg":""}\n{"message":"t","time":"yesterday"}\n{"message":"f","fields":[1]}\n{"message":"two"}\r\n';
    const { records, rejections } = parseJsonLogLines(text, defaults, 10);
    expect(records.map((r) => r.message)).toEqual(['one', 'two']);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [12, 'malformed_line'],
      [13, 'malformed_line'],
      [14, 'malformed_line'],
      [15, 'bad_timestamp'],
      [16, 'malformed_line'],
    ]);
    expect(rejections[0]!.message).toMatch(/^line 12: JSON is malformed: /);
    expect(rejections[1]!.message).toBe('line 13: expected a JSON object');
    expect(rejections[2]!.message).toBe('line 14: no "message" (or "msg", "log", "_raw") string');
    expect(rejections[3]!.message).toBe('line 15: time "yesterday" is not ISO-8601 or an epoch time');
    expect(rejections[4]!.message).toBe('line 16: "fields" must be an object');
  });
});

describe('parsePlainLogLines', () => {
  it('makes one record per non-blank line and reads log4j-style levels', () => {
    const { records } = parsePlainLogLines('2024-01-01 INFO started\r\n\n2024-01-01 ERROR failed to bind\nno level here', defaults);
    expect(records.map((r) => [r.message, r.severity, r.timestampMs, r.host])).toEqual([
      ['2024-01-01 INFO started', 'info', defaults.receivedAtMs, '10.0.0.9'],
      ['2024-01-01 ERROR failed to bind', 'error', defaults.receivedAtMs, '10.0.0.9'],
      ['no level here', 'info', defaults.receivedAtMs, '10.0.0.9'],
    ]);
    expect(severityOfText('WARN low memory')).toBe('warning');
    expect(severityOfText('an error in lower case is text')).toBe('info');
  });
});
