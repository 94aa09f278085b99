import type { Rejection } from '../model/index.js';

/**
 * Maps each accepted point back to its 1-based record number, given how many records a request held
 * and which were rejected by the parser, so that later rejections (by the store) still name the record.
 */
export function acceptedRecordLines(recordCount: number, parserRejections: readonly Rejection[]): Uint32Array {
  const rejected = new Set<number>();
  for (const r of parserRejections) rejected.add(r.line);
  const lines = new Uint32Array(recordCount - rejected.size);
  let k = 0;
  for (let line = 1; line <= recordCount; line++) if (!rejected.has(line)) lines[k++] = line;
  return lines;
}
