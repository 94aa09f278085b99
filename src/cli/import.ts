import { createReadStream, statSync } from 'node:fs';
import { CsvPointsParser } from '../ingest/index.js';
import { KeyedPointsBuilder, type KeyedPoints, type Rejection } from '../model/index.js';
import { importLogs } from './import-logs.js';
import { Progress } from './progress.js';

export interface ImportFlags {
  readonly series?: string;
  readonly url: string;
  readonly token?: string;
  readonly batchSize: number;
  /** How many rejections to print; all are counted. */
  readonly showRejections: number;
}

export interface ImportSummary {
  readonly accepted: number;
  readonly rejected: number;
  readonly rejections: readonly Rejection[];
}

interface PointsResponse {
  accepted: number;
  rejected: { line: number; reason: string; message: string }[];
}

/**
 * Streams a CSV file (`timestamp,value` with --series, or `series,timestamp,value`) to a running
 * server's POST /api/v1/points in batches, so imported history is stored and goes through detection.
 */
export async function importCsv(file: string, flags: ImportFlags, progress: Progress | null): Promise<ImportSummary> {
  const parser = new CsvPointsParser(flags.series === undefined ? {} : { series: flags.series });
  const rejections: Rejection[] = [];
  let builder = new KeyedPointsBuilder(flags.batchSize);
  let accepted = 0;
  let rejected = 0;
  let bytesRead = 0;
  const flush = async (): Promise<void> => {
    if (builder.length === 0) return;
    const batch = builder.finish();
    builder = new KeyedPointsBuilder(flags.batchSize);
    const result = await postPoints(flags, batch);
    accepted += result.accepted;
    rejected += result.rejected.length;
    for (const r of result.rejected) if (rejections.length < flags.showRejections) rejections.push({ line: 0, reason: r.reason as Rejection['reason'], message: r.message });
  };
  const noteRejections = (list: Rejection[]): void => {
    rejected += list.length;
    for (const r of list) if (rejections.length < flags.showRejections) rejections.push(r);
    list.length = 0;
  };
  const parseRejections: Rejection[] = [];
  for await (const chunk of createReadStream(file)) {
    bytesRead += (chunk as Buffer).length;
    parser.push(chunk as Buffer, builder, parseRejections);
    noteRejections(parseRejections);
    if (builder.length >= flags.batchSize) await flush();
    progress?.update(bytesRead, accepted);
  }
  parser.end(builder, parseRejections);
  noteRejections(parseRejections);
  await flush();
  progress?.finish(bytesRead, accepted);
  return { accepted, rejected, rejections };
}

async function postPoints(flags: ImportFlags, points: KeyedPoints): Promise<PointsResponse> {
  const body: { series: string; timestampMs: number; value: number }[] = new Array(points.length);
  for (let i = 0; i < points.length; i++) body[i] = { series: points.keys[i]!, timestampMs: points.timestampsMs[i]!, value: points.values[i]! };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (flags.token !== undefined) headers.authorization = `Bearer ${flags.token}`;
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/points', flags.url), { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (err) {
    throw new Error(`cannot send points to ${flags.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message} (is "vigil serve" running?)`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`cannot import: server answered ${response.status}: ${text}`);
  return JSON.parse(text) as PointsResponse;
}

/** `vigil import`: points from CSV, or with `logs` set, log lines (JSON lines or plain text). */
export async function importCommand(file: string, flags: ImportFlags & { readonly logs?: boolean; readonly host?: string }): Promise<number> {
  let sizeBytes: number;
  try {
    sizeBytes = statSync(file).size;
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const progress = new Progress(`importing ${file}`, sizeBytes, 'bytes');
  const summary = flags.logs === true ? await importLogs(file, flags, progress) : await importCsv(file, flags, progress);
  process.stdout.write(`imported ${summary.accepted} ${flags.logs === true ? 'log records' : 'points'} from ${file}; rejected ${summary.rejected}\n`);
  for (const r of summary.rejections) process.stdout.write(`  ${r.line > 0 ? `line ${r.line}: ` : ''}${r.reason}: ${r.message}\n`);
  if (summary.rejected > summary.rejections.length) process.stdout.write(`  ... and ${summary.rejected - summary.rejections.length} more\n`);
  return summary.accepted === 0 && summary.rejected > 0 ? 1 : 0;
}
