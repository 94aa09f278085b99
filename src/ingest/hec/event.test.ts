import { describe, expect, it } from 'vitest';
import type { HecDefaults } from './event.js';
import { parseHecEvents, parseHecRaw } from './event.js';
import { hecErrorResponse, hecResponse } from './status.js';

const RECEIVED_AT_MS = Date.UTC(2024, 5, 15, 12, 0, 0);
const defaults: HecDefaults = { receivedAtMs: RECEIVED_AT_MS, host: 'hec-client', source: 'http:vigil', sourcetype: 'httpevent' };

describe('parseHecEvents', () => {
  it('reads the Splunk docs example envelope', () => {
    const body = '{"time": 1426279439, "host": "localhost", "source": "random-data-generator", "sourcetype": "my_sample_data", "index": "main", "event": "Hello world!"}';
    const { records, error } = parseHecEvents(body, defaults);
    expect(error).toBeUndefined();
    expect(records).toEqual([
      {
        timestampMs: 1426279439000,
        host: 'localhost',
        source: 'random-data-generator',
        sourcetype: 'my_sample_data',
        severity: 'info',
        message: 'Hello world!',
        fields: { index: 'main' },
      },
    ]);
  });

  it('reads concatenated envelopes with or without whitespace, and a JSON array of them', () => {
    const body = '{"event": "one"}{"event": "two", "time": "1426279439.123"}\n  {"event": {"message": "three", "level": "WARN", "count": 3, "ok": true, "nested": {"a": 1}}}\r\n[{"event": "four"}]';
    const { records, error } = parseHecEvents(body, defaults);
    expect(error).toBeUndefined();
    expect(records.map((r) => r.message)).toEqual(['one', 'two', '{"message":"three","level":"WARN","count":3,"ok":true,"nested":{"a":1}}', 'four']);
    expect(records[0]).toMatchObject({ timestampMs: RECEIVED_AT_MS, host: 'hec-client', source: 'http:vigil', sourcetype: 'httpevent' });
    expect(records[1]!.timestampMs).toBe(1426279439123);
    expect(records[2]).toMatchObject({ severity: 'warning', fields: { message: 'three', level: 'WARN', count: '3', ok: 'true' } });
  });

  it('keeps indexed fields, multi-valued ones comma-joined, over the event\'s own', () => {
    const body = '{"event": {"status": "500", "user": "a"}, "fields": {"status": "503", "region": "us-east", "tags": ["web", "prod"], "severity": "error"}}';
    const { records } = parseHecEvents(body, defaults);
    expect(records[0]!.fields).toEqual({ status: '503', user: 'a', region: 'us-east', tags: 'web,prod', severity: 'error' });
    expect(records[0]!.severity).toBe('error');
  });

  it('answers Splunk\'s errors with the zero-based number of the first invalid event, keeping the events before it', () => {
    const cases: [string, string, number | undefined, number][] = [
      ['', 'No data', undefined, 0],
      ['  \n ', 'No data', undefined, 0],
      ['{"event":"a"}{"event":"b"}{"event":"c"}{"event"', 'Invalid data format', 3, 3],
      ['{"event":"a"}{"event":"b",}', 'Invalid data format', 1, 1],
      ['{"event":"a"} hello', 'Invalid data format', 1, 1],
      ['{"event":"a"}{"host":"x"}', 'Event field is required', 1, 1],
      ['{"event":""}', 'Event field cannot be blank', 0, 0],
      ['{"event":"a"}{"event":null}', 'Event field cannot be blank', 1, 1],
      ['{"event":"a","time":"yesterday"}', 'Error in handling indexed fields', 0, 0],
      ['{"event":"a","fields":{"n":1}}', 'Error in handling indexed fields', 0, 0],
      ['{"event":"a","host":{"name":"x"}}', 'Invalid data format', 0, 0],
      ['[{"event":"a"}, 3]', 'Invalid data format', 1, 1],
    ];
    for (const [body, text, invalidEventNumber, kept] of cases) {
      const { records, error } = parseHecEvents(body, defaults);
      expect(error, body).toBeDefined();
      const response = hecErrorResponse(error!);
      expect(response.httpStatus, body).toBe(400);
      expect(response.body.text, body).toBe(text);
      expect(response.body['invalid-event-number'], body).toBe(invalidEventNumber);
      expect(records, body).toHaveLength(kept);
    }
  });

  it('writes the response body exactly as Splunk does', () => {
    const { error } = parseHecEvents('{"event":"a"}{"event":"b"}{"event":"c"}{"event":', defaults);
    expect(JSON.stringify(hecErrorResponse(error!).body)).toBe('{"text":"Invalid data format","code":6,"invalid-event-number":3}');
    expect(error!.cause).toBe('event 3 at character 39: JSON is cut short');
    expect(hecResponse('success')).toEqual({ httpStatus: 200, body: { text: 'Success', code: 0 } });
    expect(hecResponse('tokenRequired')).toEqual({ httpStatus: 401, body: { text: 'Token is required', code: 2 } });
    expect(hecResponse('invalidToken')).toEqual({ httpStatus: 403, body: { text: 'Invalid token', code: 4 } });
    expect(hecResponse('serverBusy')).toEqual({ httpStatus: 503, body: { text: 'Server is busy', code: 9 } });
    expect(hecResponse('healthy')).toEqual({ httpStatus: 200, body: { text: 'HEC is healthy', code: 17 } });
  });

  it('a string with braces and escaped quotes inside does not confuse the envelope boundaries', () => {
    const { records, error } = parseHecEvents('{"event":"a } \\" { b"}{"event":"c"}', defaults);
    expect(error).toBeUndefined();
    expect(records.map((r) => r.message)).toEqual(['a } " { b', 'c']);
  });
});

describe('parseHecRaw', () => {
  it('makes one record per non-blank line with the query metadata', () => {
    const body = '127.0.0.1 - - [15/Jun/2024:12:00:00 +0000] "GET / HTTP/1.1" 200 512\r\n\nsecond line\n';
    const { records, error } = parseHecRaw(body, { ...defaults, sourcetype: 'access_combined', index: 'web' });
    expect(error).toBeUndefined();
    expect(records).toEqual([
      { timestampMs: RECEIVED_AT_MS, host: 'hec-client', source: 'http:vigil', sourcetype: 'access_combined', severity: 'info', message: '127.0.0.1 - - [15/Jun/2024:12:00:00 +0000] "GET / HTTP/1.1" 200 512', fields: { index: 'web' } },
      { timestampMs: RECEIVED_AT_MS, host: 'hec-client', source: 'http:vigil', sourcetype: 'access_combined', severity: 'info', message: 'second line', fields: { index: 'web' } },
    ]);
  });

  it('an empty body is "No data"', () => {
    const { error } = parseHecRaw('\n\r\n', defaults);
    expect(hecErrorResponse(error!)).toEqual({ httpStatus: 400, body: { text: 'No data', code: 5 } });
  });
});
