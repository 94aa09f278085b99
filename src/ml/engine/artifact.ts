import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelConfig } from './config-check.js';
import type { ModelConfig, TrainableModel } from './model.js';
import { writeFileAtomic } from '../../util/index.js';

/** The artifact's two files: TensorFlow.js's model JSON and its weights file, so tf.io tooling can read the weights. */
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Version of Vigil's part of model.json (userDefinedMetadata); bumped when its meaning changes. */
const ARTIFACT_VERSION = 1;

/** One entry of a tfjs weights manifest group. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
}

/**
 * model.json: TensorFlow.js's ModelJSON (`tf.io` artifacts) with no topology (Vigil builds the graph from the config)
 * and Vigil's config, plus a checksum that ties the weights file to this JSON, in `userDefinedMetadata`.
 */
export interface ModelArtifactJson {
  readonly format: string;
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: null;
  readonly weightsManifest: readonly [{ readonly paths: readonly [typeof WEIGHTS_FILE]; readonly weights: readonly WeightSpec[] }];
  readonly userDefinedMetadata: {
    readonly artifactVersion: number;
    readonly config: ModelConfig;
    /** sha256 of weights.bin: a weights file from another save (an interrupted overwrite) is detected, not loaded. */
    readonly weightsSha256: string;
  };
}

/**
 * Writes `model` to `dir` (created if missing): weights.bin, little-endian float32 in parameter order, then
 * model.json. Each file is written to a temporary name, synced and renamed over the old one; model.json goes last and
 * carries the weights' checksum, so a reader sees the old artifact, the new one, or a mismatch it reports.
 */
export async function saveModelArtifact(model: TrainableModel, dir: string, generatedBy: string): Promise<void> {
  const bytes = new Uint8Array(model.parameterCount * 4);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const p of model.parameters) {
    for (let i = 0; i < p.values.length; i++, offset += 4) view.setFloat32(offset, p.values[i]!, true);
  }
  const json: ModelArtifactJson = {
    format: `vigil/${model.config.kind}`,
    generatedBy,
    convertedBy: null,
    modelTopology: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: model.parameters.map((p) => ({ name: p.name, shape: [...p.shape], dtype: 'float32' })) }],
    userDefinedMetadata: { artifactVersion: ARTIFACT_VERSION, config: model.config, weightsSha256: sha256(bytes) },
  };
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
    await writeFileAtomic(join(dir, MODEL_JSON_FILE), `${JSON.stringify(json, null, 2)}\n`);
  } catch (err) {
    throw new Error(`cannot save model ${model.config.kind} to ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Reads an artifact written by saveModelArtifact: checks model.json field by field, builds a fresh model from its
 * config with `create`, checks the manifest against that model's parameters and the weights file's size and
 * checksum, and copies the weights in. Errors name the missing file, the bad field or the mismatch.
 */
export async function loadModelArtifact(dir: string, create: (config: ModelConfig) => TrainableModel): Promise<TrainableModel> {
  const fail = (cause: string): never => {
    throw new Error(`cannot load model from ${dir}: ${cause}`);
  };
  const json = parseJson(await readArtifactFile(dir, MODEL_JSON_FILE, fail), fail);
  const metadata = json.userDefinedMetadata;
  if (!isRecord(metadata)) return fail(`${MODEL_JSON_FILE}: userDefinedMetadata must be an object holding Vigil's config, got ${brief(metadata)}`);
  if (metadata.artifactVersion !== ARTIFACT_VERSION) fail(`${MODEL_JSON_FILE}: userDefinedMetadata.artifactVersion must be ${ARTIFACT_VERSION}, got ${brief(metadata.artifactVersion)}`);
  const parsed = parseModelConfig(metadata.config);
  if ('problem' in parsed) return fail(`${MODEL_JSON_FILE}: userDefinedMetadata.config: ${parsed.problem}`);
  const config = parsed.config;
  if (json.format !== `vigil/${config.kind}`) fail(`${MODEL_JSON_FILE}: format must be 'vigil/${config.kind}' for its config, got ${brief(json.format)}`);
  const specs = manifestWeights(json, fail);
  const bytes = await readArtifactFile(dir, WEIGHTS_FILE, fail);
  const model = create(config);
  try {
    if (specs.length !== model.parameters.length) fail(`${MODEL_JSON_FILE}: the manifest lists ${specs.length} weights, a ${config.kind} of this config has ${model.parameters.length}`);
    let expectedBytes = 0;
    model.parameters.forEach((p, i) => {
      const spec = specs[i]!;
      const where = `${MODEL_JSON_FILE}: weightsManifest[0].weights[${i}]`;
      if (spec.name !== p.name) fail(`${where}.name must be ${p.name}, got ${brief(spec.name)}`);
      if (spec.shape.length !== p.shape.length || spec.shape.some((d, k) => d !== p.shape[k])) fail(`${where} (${p.name}) has shape [${spec.shape.join(', ')}], the config gives [${p.shape.join(', ')}]`);
      expectedBytes += p.values.length * 4;
    });
    if (bytes.length !== expectedBytes) fail(`${WEIGHTS_FILE} holds ${bytes.length} bytes, the manifest needs ${expectedBytes} (${expectedBytes / 4} float32 values)`);
    if (sha256(bytes) !== metadata.weightsSha256) fail(`${WEIGHTS_FILE} does not match the checksum in ${MODEL_JSON_FILE} (userDefinedMetadata.weightsSha256); was a save interrupted?`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const p of model.parameters) {
      for (let i = 0; i < p.values.length; i++, offset += 4) p.values[i] = view.getFloat32(offset, true);
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function manifestWeights(json: Record<string, unknown>, fail: (cause: string) => never): WeightSpec[] {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isRecord(manifest[0])) return fail(`${MODEL_JSON_FILE}: weightsManifest must hold one group, got ${brief(manifest)}`);
  const group = manifest[0];
  const paths = group.paths;
  if (!Array.isArray(paths) || paths.length !== 1 || paths[0] !== WEIGHTS_FILE) fail(`${MODEL_JSON_FILE}: weightsManifest[0].paths must be ["${WEIGHTS_FILE}"], got ${brief(paths)}`);
  if (!Array.isArray(group.weights)) return fail(`${MODEL_JSON_FILE}: weightsManifest[0].weights must be an array, got ${brief(group.weights)}`);
  return group.weights.map((entry: unknown, i: number): WeightSpec => {
    const where = `${MODEL_JSON_FILE}: weightsManifest[0].weights[${i}]`;
    if (!isRecord(entry)) return fail(`${where} must be an object { name, shape, dtype }, got ${brief(entry)}`);
    if (typeof entry.name !== 'string') fail(`${where}.name must be a string, got ${brief(entry.name)}`);
    if (!Array.isArray(entry.shape) || !entry.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0)) fail(`${where}.shape must be an array of sizes, got ${brief(entry.shape)}`);
    if (entry.dtype !== 'float32') fail(`${where}.dtype must be 'float32', got ${brief(entry.dtype)}`);
    return { name: entry.name as string, shape: entry.shape as number[], dtype: 'float32' };
  });
}

async function readArtifactFile(dir: string, file: string, fail: (cause: string) => never): Promise<Uint8Array> {
  try {
    return await readFile(join(dir, file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fail(`missing ${file}`);
    return fail(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseJson(bytes: Uint8Array, fail: (cause: string) => never): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    return fail(`${MODEL_JSON_FILE} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(value)) return fail(`${MODEL_JSON_FILE} must hold an object, got ${brief(value)}`);
  return value;
}



function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value shortened for an error message. */
function brief(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
