import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { DetectorState } from './detector.js';
import type { SeriesStates } from './worker-protocol.js';
import { syncDirectory } from '../util/index.js';

/*
 * Detector state file, JSON Lines: a header line `{"format","version","detectors"}` then one line per
 * series `{"seriesId","states"}`. One line per series keeps memory flat for many series, where one
 * JSON document would have to be built (and parsed) as a single string.
 */

const FORMAT = 'vigil.detector-state';
const VERSION = 1;
/** Lines are gathered into writes of about this size. */
const WRITE_CHUNK_CHARS = 1 << 20;

/** What a checkpoint wrote. */
export interface StateFileSummary {
  readonly series: number;
  readonly sizeBytes: number;
}

/** Writes atomically: a temporary file, fsync, rename over the old one, fsync of the directory. */
export async function writeStateFile(file: string, detectorIds: readonly string[], parts: readonly (readonly SeriesStates[])[]): Promise<StateFileSummary> {
  const tmp = `${file}.${process.pid}.tmp`;
  let series = 0;
  let sizeBytes = 0;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.open(tmp, 'w');
    try {
      let pending = `${JSON.stringify({ format: FORMAT, version: VERSION, detectors: detectorIds })}\n`;
      for (const entries of parts) {
        for (const entry of entries) {
          pending += `${JSON.stringify({ seriesId: entry.seriesId, states: entry.states })}\n`;
          series++;
          if (pending.length >= WRITE_CHUNK_CHARS) {
            sizeBytes += (await handle.write(pending)).bytesWritten;
            pending = '';
          }
        }
      }
      sizeBytes += (await handle.write(pending)).bytesWritten;
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw new Error(`cannot write detector state file ${file}: ${(error as Error).message}`, { cause: error });
  }
  await syncDirectory(path.dirname(file));
  return { series, sizeBytes };
}


function parseState(value: unknown): DetectorState {
  if (typeof value !== 'object' || value === null) throw new Error('state must be an object');
  const { detector, version, data } = value as Record<string, unknown>;
  if (typeof detector !== 'string') throw new Error('state.detector must be a string');
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new Error('state.version must be an integer');
  return { detector, version, data };
}

function parseEntry(line: string): SeriesStates {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null) throw new Error('expected an object');
  const { seriesId, states } = value as Record<string, unknown>;
  if (typeof seriesId !== 'number' || !Number.isInteger(seriesId) || seriesId < 0 || seriesId > 0xffffffff) {
    throw new Error(`seriesId must be a non-negative 32-bit integer, got ${JSON.stringify(seriesId)}`);
  }
  if (!Array.isArray(states)) throw new Error('states must be an array');
  return { seriesId, states: states.map(parseState) };
}

/**
 * Streams the entries of a state file to `onEntry`. Resolves false when the file does not exist; throws
 * naming the line when it is not a state file or a line is malformed.
 */
export async function readStateFile(file: string, onEntry: (entry: SeriesStates) => void): Promise<boolean> {
  try {
    await fs.access(file);
  } catch {
    return false;
  }
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (lineNumber === 1) {
        const header = JSON.parse(line) as { format?: unknown; version?: unknown };
        if (header.format !== FORMAT) throw new Error(`not a detector state file (format ${JSON.stringify(header.format)})`);
        if (header.version !== VERSION) throw new Error(`unsupported version ${JSON.stringify(header.version)}, expected ${VERSION}`);
        continue;
      }
      if (line.trim() === '') continue;
      onEntry(parseEntry(line));
    }
    if (lineNumber === 0) throw new Error('file is empty');
  } catch (error) {
    throw new Error(`cannot read detector state file ${file}: line ${Math.max(1, lineNumber)}: ${(error as Error).message}`, { cause: error });
  } finally {
    lines.close();
  }
  return true;
}
