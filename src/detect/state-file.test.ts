import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStateFile, writeStateFile } from './state-file.js';
import type { SeriesStates } from './worker-protocol.js';

describe('detector state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = async (file: string): Promise<SeriesStates[] | null> => {
    const entries: SeriesStates[] = [];
    return (await readStateFile(file, (e) => entries.push(e))) ? entries : null;
  };

  it('round-trips the states of every partition and replaces the old file atomically', async () => {
    const file = path.join(dir, 'nested', 'state.jsonl');
    const parts: SeriesStates[][] = [
      [{ seriesId: 3, states: [{ detector: 'mad-zscore', version: 1, data: { values: [1, 2], lastTimestampMs: null } }] }],
      [],
      [{ seriesId: 0, states: [] }, { seriesId: 4294967295, states: [{ detector: 'x', version: 2, data: 'opaque' }] }],
    ];
    const summary = await writeStateFile(file, ['mad-zscore'], parts);
    expect(summary).toEqual({ series: 3, sizeBytes: fs.statSync(file).size });
    expect(await read(file)).toEqual(parts.flat());
    await writeStateFile(file, ['mad-zscore'], [[]]);
    expect(await read(file)).toEqual([]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.jsonl']);
  });

  it('reports a missing file as absent and a malformed one naming the line', async () => {
    expect(await read(path.join(dir, 'none.jsonl'))).toBeNull();
    const file = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(file, '{"format":"vigil.detector-state","version":1,"detectors":[]}\n{"seriesId":1,"states":[]}\n{"seriesId":-1,"states":[]}\n');
    await expect(read(file)).rejects.toThrow(`cannot read detector state file ${file}: line 3: seriesId must be a non-negative 32-bit integer, got -1`);
    fs.writeFileSync(file, '{"format":"vigil.detector-state","version":9}\n');
    await expect(read(file)).rejects.toThrow('line 1: unsupported version 9, expected 1');
    fs.writeFileSync(file, '');
    await expect(read(file)).rejects.toThrow('file is empty');
  });

  it('leaves the previous file in place when the write fails', async () => {
    const file = path.join(dir, 'state.jsonl');
    await writeStateFile(file, [], [[{ seriesId: 1, states: [] }]]);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(writeStateFile(file, [], [[{ seriesId: 2, states: [{ detector: 'd', version: 1, data: circular }] }]])).rejects.toThrow(
      /cannot write detector state file .*state\.jsonl: .*circular/i,
    );
    expect(await read(file)).toEqual([{ seriesId: 1, states: [] }]);
    expect(fs.readdirSync(dir)).toEqual(['state.jsonl']);
  });
});
