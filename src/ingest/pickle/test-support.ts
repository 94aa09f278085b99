import { execFileSync } from 'node:child_process';
import { KeyedPointsBuilder } from '../../model/index.js';
import type { Rejection } from '../../model/index.js';
import { SeriesKeyCache } from '../graphite/key-cache.js';
import { PickleFrameDecoder } from './unpickle.js';

/** Runs Python 3 code and returns what it printed. */
export function runPython(code: string, options: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync('python3', ['-c', code], { encoding: 'utf8', input: options.input, env: options.env ?? process.env, timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
}

/** Python's own `pickle.dumps(<expression>, protocol=p)` for each protocol asked for; `prelude` runs first. */
export function pickledByPython(expression: string, protocols: readonly number[], prelude = ''): Buffer[] {
  const out = runPython(`${prelude}
import json, pickle, sys
value = ${expression}
sys.stdout.write(json.dumps([pickle.dumps(value, protocol=p).hex() for p in ${JSON.stringify(protocols)}]))
`);
  return (JSON.parse(out) as string[]).map((hex) => Buffer.from(hex, 'hex'));
}

/** Python's own `pickle.dumps(e, protocol=p)` for each expression `e`, from one Python run. */
export function pickledEachByPython(expressions: readonly string[], protocol: number): Buffer[] {
  const out = runPython(`import json, pickle, sys
sys.stdout.write(json.dumps([pickle.dumps(eval(e), protocol=${protocol}).hex() for e in json.load(sys.stdin)]))`, { input: JSON.stringify(expressions) });
  return (JSON.parse(out) as string[]).map((hex) => Buffer.from(hex, 'hex'));
}

/** A Graphite pickle frame: the 4-byte big-endian length, then the payload. */
export function framed(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

export interface Decoded {
  readonly ok: boolean;
  readonly keys: string[];
  readonly timestampsMs: number[];
  readonly values: number[];
  readonly rejections: Rejection[];
}

/** Decodes one payload with a fresh decoder (or the one given) as frame `frameNumber`. */
export function decodePickle(payload: Buffer, decoder = new PickleFrameDecoder(new SeriesKeyCache(1024)), frameNumber = 1): Decoded {
  const out = new KeyedPointsBuilder(4);
  const rejections: Rejection[] = [];
  const ok = decoder.decode(payload, 0, payload.length, frameNumber, out, rejections);
  const points = out.finish();
  return { ok, keys: [...points.keys], timestampsMs: [...points.timestampsMs], values: [...points.values], rejections };
}
