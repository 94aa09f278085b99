import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { expect, it } from 'vitest';
import { DuckDbLogStore } from './duckdb-log-store.js';
import type { StoredLog } from './log-store.js';
import { runUntilKilled, storesPerTest } from './test-support.js';
import { DURABLE_BASE_MS, DURABLE_LARGE_APPEND, DURABLE_SMALL_APPEND, durableAppendStart, durableLog } from './testdata/durable-logs.js';

const SCRIPT = fileURLToPath(new URL('./testdata/append-logs-until-killed.ts', import.meta.url));
/** Small appends acknowledged before the kill, beyond the large first one. */
const SMALL_ACKS_BEFORE_KILL = 12;

const scratch = storesPerTest('vigil-log-durability-');

interface Acked {
  readonly firstSeq: number;
  readonly count: number;
}

/**
 * Runs the child until it has acknowledged the large append and some small ones, SIGKILLs it while
 * more appends are in flight, and returns every acknowledgment it printed before dying.
 */
async function appendUntilKilled(file: string): Promise<Acked[]> {
  const stdout = await runUntilKilled(SCRIPT, [file], (printed) => printed.split('\n').length - 1 > SMALL_ACKS_BEFORE_KILL);
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('acked '))
    .map((line) => {
      const [, firstSeq, count] = line.split(' ');
      return { firstSeq: Number(firstSeq), count: Number(count) };
    });
}

it('keeps every acknowledged log record, whole appends only, when the process is killed with SIGKILL', async () => {
  const file = path.join(scratch.dir(), 'logs.duckdb');
  const acked = await appendUntilKilled(file);
  expect(acked[0]).toEqual({ firstSeq: 0, count: DURABLE_LARGE_APPEND });
  expect(acked.length).toBeGreaterThan(SMALL_ACKS_BEFORE_KILL);

  const store = await scratch.start(new DuckDbLogStore({ path: file, flushIntervalMs: 10, maxQueuedRecords: 100_000 }));
  const stored = await store.query({ fromMs: DURABLE_BASE_MS, toMs: Number.MAX_SAFE_INTEGER, limit: Number.MAX_SAFE_INTEGER });
  expect(store.stats().committedRecords).toBe(stored.length);
  const bySeq = new Map<number, StoredLog>();
  for (const log of stored) bySeq.set(log.timestampMs - DURABLE_BASE_MS, log);
  expect(bySeq.size).toBe(stored.length);

  for (const { firstSeq, count } of acked) {
    for (let seq = firstSeq; seq < firstSeq + count; seq++) {
      if (!bySeq.has(seq)) throw new Error(`acknowledged record ${seq} (append at ${firstSeq}) is missing`);
    }
  }
  // Whatever is there is exactly what was appended, and no append is there in part.
  const appendStarts = new Set<number>();
  for (const [seq, log] of bySeq) {
    // isDeepStrictEqual is far quicker over 100k records; toEqual then shows what differs.
    if (!isDeepStrictEqual(log, durableLog(seq))) expect(log).toEqual(durableLog(seq));
    appendStarts.add(durableAppendStart(seq));
  }
  for (const first of appendStarts) {
    const size = first === 0 ? DURABLE_LARGE_APPEND : DURABLE_SMALL_APPEND;
    for (let seq = first; seq < first + size; seq++) {
      if (!bySeq.has(seq)) throw new Error(`append at ${first} is stored in part: record ${seq} is missing`);
    }
  }
});
