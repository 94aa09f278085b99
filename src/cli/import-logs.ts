import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { parseJsonLogLines, parsePlainLogLines, type LogLineDefaults } from '../ingest/index.js';
import type { LogRecord, Rejection } from '../model/index.js';
import type { ImportFlags, ImportSummary } from './import.js';
import { Progress } from './progress.js';

export interface LogImportFlags extends Omit<ImportFlags, 'series'> {
  /** Host of lines that name none; this machine's name by default. */
  readonly host?: string;
}

interface LogsResponse {
  accepted: number;
  rejected: Rejection[];
}

/**
 * Streams a log file to a running server's POST /api/v1/logs in batches: JSON lines when the first
 * non-blank line starts with `{`, plain text lines otherwise (dated at import time, level read from
 * words such as ERROR or WARN). Lines are parsed here so that rejections name the file's line numbers.
 */
export async function importLogs(file: string, flags: LogImportFlags, progress: Progress | null): Promise<ImportSummary> {
  const defaults: LogLineDefaults = { receivedAtMs: Date.now(), host: flags.host ?? hostname(), source: file };
  const rejections: Rejection[] = [];
  let format: 'json' | 'plain' | null = null;
  let batch: LogRecord[] = [];
  let accepted = 0;
  let rejected = 0;
  let bytesRead = 0;
  let lineNumber = 1;
  let carry = '';
  const note = (list: readonly Rejection[]): void => {
    rejected += list.length;
    for (const r of list) if (rejections.length < flags.showRejections) rejections.push(r);
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await postLogs(flags, batch);
    batch = [];
    accepted += result.accepted;
    note(result.rejected);
  };
  const parse = async (text: string): Promise<void> => {
    if (format === null) {
      const first = text.trimStart();
      if (first === '') return;
      format = first.startsWith('{') ? 'json' : 'plain';
    }
    const parsed = format === 'json' ? parseJsonLogLines(text, defaults, lineNumber) : parsePlainLogLines(text, defaults, lineNumber);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineNumber++;
    note(parsed.rejections);
    for (const record of parsed.records) batch.push(record);
    if (batch.length >= flags.batchSize) await flush();
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    bytesRead += Buffer.byteLength(chunk as string);
    const text = carry + (chunk as string);
    const end = text.lastIndexOf('\n');
    carry = text.slice(end + 1);
    if (end !== -1) await parse(text.slice(0, end + 1));
    progress?.update(bytesRead, accepted);
  }
  if (carry !== '') await parse(carry);
  await flush();
  progress?.finish(bytesRead, accepted);
  return { accepted, rejected, rejections };
}

async function postLogs(flags: LogImportFlags, records: readonly LogRecord[]): Promise<LogsResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (flags.token !== undefined) headers.authorization = `Bearer ${flags.token}`;
  const body = JSON.stringify(records);
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/logs', flags.url), { method: 'POST', headers, body });
  } catch (err) {
    throw new Error(`cannot send logs to ${flags.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message} (is "vigil serve" running?)`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`cannot import logs: server answered ${response.status}: ${text}`);
  return JSON.parse(text) as LogsResponse;
}
