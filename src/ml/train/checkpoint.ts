import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/index.js';
import type { ModelConfig, ModelKind } from '../engine/model.js';
import type { ModelOverrides } from './model-defaults.js';
import type { TrainJob, TrainState } from './data-parallel.js';

/** What a checkpoint holds besides tensors: enough to check that a resumed run is the same run. */
export interface CheckpointMeta {
  readonly version: 1;
  readonly model: ModelConfig;
  readonly job: TrainJob;
  readonly position: TrainState['position'];
  readonly optimizerSteps: number;
  /** Lengths of the parameter tensors, then of the optimiser's moment tensors, in order. */
  readonly parameterLengths: readonly number[];
  readonly momentLengths: readonly number[];
  readonly savedAtMs: number;
}

const LATEST = 'latest';
/** Checkpoints kept besides the newest: an interrupted write of the newest still leaves a whole one. */
const KEEP = 3;


function concat(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((sum, a) => sum + a.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return new Uint8Array(out.buffer);
}

function split(bytes: Buffer, lengths: readonly number[], what: string): Float32Array[] {
  const total = lengths.reduce((sum, n) => sum + n, 0);
  if (bytes.length !== total * 4) throw new Error(`cannot read checkpoint: ${what} holds ${bytes.length} bytes, expected ${total * 4}`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out: Float32Array[] = [];
  let offset = 0;
  for (const n of lengths) {
    out.push(all.slice(offset, offset + n));
    offset += n;
  }
  return out;
}

/**
 * Writes a checkpoint as `<dir>/step-<n>/` (meta.json, parameters.bin, moments.bin, each fsync'd, the folder
 * renamed into place) and then points `<dir>/latest` at it, so a crash at any moment leaves the previous checkpoint
 * readable. Older checkpoints beyond the last few are removed.
 */
export async function saveCheckpoint(dir: string, model: ModelConfig, job: TrainJob, state: TrainState): Promise<string> {
  const name = `step-${String(state.position.step).padStart(9, '0')}`;
  const staging = join(dir, `.${name}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    const meta: CheckpointMeta = {
      version: 1,
      model,
      job,
      position: state.position,
      optimizerSteps: state.optimizer.steps,
      parameterLengths: state.parameters.map((p) => p.length),
      momentLengths: state.optimizer.moments.map((m) => m.length),
      savedAtMs: Date.now(),
    };
    await writeFileAtomic(join(staging, 'parameters.bin'), concat(state.parameters));
    await writeFileAtomic(join(staging, 'moments.bin'), concat(state.optimizer.moments));
    await writeFileAtomic(join(staging, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    await rm(join(dir, name), { recursive: true, force: true });
    await rename(staging, join(dir, name));
    await writeFileAtomic(join(dir, LATEST), `${name}\n`);
    const old = (await readdir(dir)).filter((entry) => /^step-\d+$/.test(entry)).sort();
    for (const entry of old.slice(0, Math.max(0, old.length - KEEP))) await rm(join(dir, entry), { recursive: true, force: true });
  } catch (err) {
    throw new Error(`cannot write checkpoint to ${dir}: ${(err as Error).message}`);
  }
  return join(dir, name);
}

/** The newest checkpoint in `dir`, or undefined when there is none. */
export async function loadLatestCheckpoint(dir: string): Promise<{ meta: CheckpointMeta; state: TrainState; path: string } | undefined> {
  let name: string;
  try {
    name = (await readFile(join(dir, LATEST), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read checkpoint pointer ${join(dir, LATEST)}: ${(err as Error).message}`);
  }
  const path = join(dir, name);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(await readFile(join(path, 'meta.json'), 'utf8')) as CheckpointMeta;
  } catch (err) {
    throw new Error(`cannot read checkpoint ${path}: ${(err as Error).message}`);
  }
  if (meta.version !== 1) throw new Error(`cannot read checkpoint ${path}: unknown version ${String(meta.version)}`);
  const parameters = split(await readFile(join(path, 'parameters.bin')), meta.parameterLengths, 'parameters.bin');
  const moments = split(await readFile(join(path, 'moments.bin')), meta.momentLengths, 'moments.bin');
  return { meta, path, state: { position: meta.position, parameters, optimizer: { steps: meta.optimizerSteps, moments } } };
}

/**
 * Refuses to resume a checkpoint of another kind of model, with other shape settings than asked for, or other run
 * settings, naming the first field that differs. Normalisation and vocabulary come from the checkpoint: the data
 * may have grown since.
 */
export function checkResumable(meta: CheckpointMeta, kind: ModelKind, overrides: ModelOverrides, job: TrainJob): void {
  const differs = (a: unknown, b: unknown): boolean => JSON.stringify(a) !== JSON.stringify(b);
  if (meta.model.kind !== kind) throw new Error(`cannot resume: the checkpoint is of a ${meta.model.kind} model, not ${kind}`);
  for (const [field, value] of Object.entries(overrides)) {
    const saved = (meta.model as unknown as Record<string, unknown>)[field];
    if (value !== undefined && differs(saved, value)) throw new Error(`cannot resume: the checkpoint's model has ${field} ${JSON.stringify(saved)}, this run asks for ${JSON.stringify(value)}`);
  }
  for (const field of ['optimizer', 'batchSize', 'seed', 'compression'] as const) {
    if (differs(meta.job[field], job[field])) throw new Error(`cannot resume: the checkpoint's ${field} is ${JSON.stringify(meta.job[field])}, this run's ${JSON.stringify(job[field])}`);
  }
}
