import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTHETIC_STEP_SECONDS, seriesPerConnection, syntheticSeriesHost, syntheticSeriesName, syntheticStartSeconds, syntheticValue } from './synthetic-series.js';

/** The Graphite plaintext one benchmark connection sends, as chunks. */
export type LoadChunks = Iterable<Buffer>;

export interface GraphiteLoad {
  /** Lines to send, one iterable per connection. */
  readonly connections: readonly LoadChunks[];
  readonly lines: number;
  readonly series: number | null;
  readonly description: string;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Synthetic load: `series` series split across connections, `pointsPerSeries` timestamps 10 s apart,
 * ending now. The text is built here, before any clock starts, so that sending it costs the client little.
 */
export function syntheticLoad(series: number, pointsPerSeries: number, connections: number, nowMs: number = Date.now()): GraphiteLoad {
  const startSeconds = syntheticStartSeconds(pointsPerSeries, nowMs);
  const loads = seriesPerConnection(series, connections).map(({ first, count }) => syntheticChunks(first, count, pointsPerSeries, startSeconds));
  return { connections: loads, lines: series * pointsPerSeries, series, description: `${series.toLocaleString('en-US')} synthetic series` };
}

function syntheticChunks(firstSeries: number, seriesCount: number, pointsPerSeries: number, startSeconds: number): Buffer[] {
  const names: string[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const id = firstSeries + s;
    names.push(`${syntheticSeriesName(id)};host=${syntheticSeriesHost(id)}`);
  }
  const chunks: Buffer[] = [];
  for (let p = 0; p < pointsPerSeries; p++) {
    const ts = startSeconds + p * SYNTHETIC_STEP_SECONDS;
    let text = '';
    for (let s = 0; s < seriesCount; s++) {
      text += `${names[s]} ${syntheticValue(firstSeries + s, p)} ${ts}\n`;
      if (text.length > CHUNK_BYTES) {
        chunks.push(Buffer.from(text, 'latin1'));
        text = '';
      }
    }
    if (text.length > 0) chunks.push(Buffer.from(text, 'latin1'));
  }
  return chunks;
}

/**
 * Recorded load: Graphite plaintext files (a file, or every file in a directory), dealt to the
 * connections file by file and sent as they are.
 */
export function recordedLoad(path: string, connections: number): GraphiteLoad {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((name) => join(path, name))
        .filter((file) => statSync(file).isFile())
    : [path];
  if (files.length === 0) throw new Error(`cannot read benchmark data: no files in ${path}`);
  const perConnection: Buffer[][] = Array.from({ length: Math.min(connections, files.length) }, () => []);
  let lines = 0;
  files.forEach((file, i) => {
    const data = readFileSync(file);
    for (let j = 0; j < data.length; j++) if (data[j] === 0x0a) lines++;
    if (data.length > 0 && data[data.length - 1] !== 0x0a) lines++;
    for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) perConnection[i % perConnection.length]!.push(data.subarray(offset, offset + CHUNK_BYTES));
  });
  return { connections: perConnection, lines, series: null, description: `${files.length} file(s) from ${path}` };
}
