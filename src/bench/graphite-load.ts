import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

/** Synthetic load: `series` series split across connections, `pointsPerSeries` timestamps 10 s apart, ending now. */
export function syntheticLoad(series: number, pointsPerSeries: number, connections: number): GraphiteLoad {
  const startSeconds = Math.floor(Date.now() / 1000) - pointsPerSeries * 10;
  const perConnection = Math.ceil(series / connections);
  const loads: LoadChunks[] = [];
  for (let first = 0; first < series; first += perConnection) {
    const count = Math.min(perConnection, series - first);
    loads.push({ [Symbol.iterator]: () => syntheticChunks(first, count, pointsPerSeries, startSeconds) });
  }
  return { connections: loads, lines: series * pointsPerSeries, series, description: `${series.toLocaleString('en-US')} synthetic series` };
}

function* syntheticChunks(firstSeries: number, seriesCount: number, pointsPerSeries: number, startSeconds: number): Generator<Buffer> {
  const names: string[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const id = firstSeries + s;
    names.push(`bench.app${id % 50}.metric${id};host=h${id % 200}`);
  }
  for (let p = 0; p < pointsPerSeries; p++) {
    const ts = startSeconds + p * 10;
    let text = '';
    for (let s = 0; s < seriesCount; s++) {
      // A noisy level per series: cheap to make, and realistic enough for the detectors to do real work.
      const value = 100 + ((s * 7919 + p * 104_729) % 1000) / 10;
      text += `${names[s]} ${value} ${ts}\n`;
      if (text.length > CHUNK_BYTES) {
        yield Buffer.from(text, 'latin1');
        text = '';
      }
    }
    if (text.length > 0) yield Buffer.from(text, 'latin1');
  }
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
