import { describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import type { Rejection } from '../model/index.js';
import { RejectionLog } from './rejection-log.js';

function recorder(): { logger: Logger; lines: { obj: Record<string, unknown>; msg: string }[] } {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as unknown as Logger;
  return { logger, lines };
}

const bad = (line: number): Rejection => ({ line, reason: 'malformed_line', message: `line ${line}: expected "path value [timestamp]"` });

describe('RejectionLog', () => {
  it('logs the first rejection per interval and counts the ones it held back', () => {
    let nowMs = 0;
    const { logger, lines } = recorder();
    const log = new RejectionLog(logger, { nowMs: () => nowMs }, 10_000);
    log.record([bad(1), bad(2)], 'graphite_tcp');
    log.record([bad(3)], 'graphite_tcp');
    log.record([bad(9)], 'http_json');
    nowMs = 10_000;
    log.record([bad(4)], 'graphite_tcp');
    expect(lines.map((l) => [l.obj.protocol, l.obj.line, l.obj.alsoRejected])).toEqual([
      ['graphite_tcp', 1, 1],
      ['http_json', 9, 0],
      ['graphite_tcp', 4, 1],
    ]);
    expect(lines[0]!.msg).toContain('line 1: expected');
  });

  it('only counts NaN values, never logs them', () => {
    const { logger, lines } = recorder();
    const log = new RejectionLog(logger, { nowMs: () => 0 });
    log.record([{ line: 1, reason: 'nan_value', message: 'line 1: value "NaN" is NaN' }], 'graphite_udp');
    expect(lines).toEqual([]);
  });
});
