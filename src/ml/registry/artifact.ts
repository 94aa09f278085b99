import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ModelKind } from '../engine/index.js';
import { ModelRegistryError } from './errors.js';
import { isModelKind } from './names.js';
import type { ArtifactFile } from './types.js';

/*
 * An artifact is a TensorFlow.js model directory: model.json (topology, `format: "vigil/<kind>"`, and a
 * weightsManifest naming the weight files) plus those files. The registry copies and checksums files; it
 * reads model.json only to check the kind and that the weight files are there, never the tensors.
 */

export const MODEL_JSON = 'model.json';
const FORMAT_PREFIX = 'vigil/';

/** The kind named by the artifact's model.json; throws when model.json is missing, not JSON, or names a weight file that is not there. */
export async function inspectArtifact(artifactDir: string, context: string): Promise<ModelKind> {
  const file = path.join(artifactDir, MODEL_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file} does not exist (an artifact directory holds model.json and its weight files)` : (err as Error).message;
    throw new ModelRegistryError('invalid', `${context}: ${why}`, { cause: err });
  }
  let json: { format?: unknown; weightsManifest?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (err) {
    throw new ModelRegistryError('invalid', `${context}: ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const format = typeof json.format === 'string' ? json.format : '';
  const kind = format.startsWith(FORMAT_PREFIX) ? format.slice(FORMAT_PREFIX.length) : '';
  if (!isModelKind(kind)) throw new ModelRegistryError('invalid', `${context}: ${file} has format ${JSON.stringify(json.format)}, expected "vigil/<kind>" with a known model kind`);
  for (const weightPath of manifestPaths(json.weightsManifest)) {
    const resolved = path.resolve(artifactDir, weightPath);
    if (!isInside(artifactDir, resolved)) throw new ModelRegistryError('invalid', `${context}: ${file} names weight file ${JSON.stringify(weightPath)} outside the artifact directory`);
    const stat = await fs.stat(resolved).catch(() => null);
    if (stat === null || !stat.isFile()) throw new ModelRegistryError('invalid', `${context}: weight file ${weightPath} named in ${MODEL_JSON} is missing from ${artifactDir}`);
  }
  return kind;
}

function manifestPaths(manifest: unknown): string[] {
  if (!Array.isArray(manifest)) return [];
  const paths: string[] = [];
  for (const group of manifest) {
    const groupPaths = (group as { paths?: unknown } | null)?.paths;
    if (Array.isArray(groupPaths)) for (const p of groupPaths) if (typeof p === 'string') paths.push(p);
  }
  return paths;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(path.resolve(dir), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Copies every regular, non-hidden file under `sourceDir` into `targetDir` (which must not exist), hashing as it copies
 * and fsyncing each file; returns the files sorted by path. Links and special files are refused: an
 * artifact must be self-contained.
 */
export async function copyArtifact(sourceDir: string, targetDir: string, context: string): Promise<ArtifactFile[]> {
  const files: ArtifactFile[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    await fs.mkdir(path.join(targetDir, relativeDir), { recursive: relativeDir === '' });
    for (const entry of await fs.readdir(path.join(sourceDir, relativeDir), { withFileTypes: true })) {
      // Hidden files are no part of a model: an interrupted save's .tmp- files, editor swap files.
      if (entry.name.startsWith('.')) continue;
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) await walk(relative);
      else if (entry.isFile()) files.push(await copyFile(path.join(sourceDir, relative), path.join(targetDir, relative), relative));
      else throw new ModelRegistryError('invalid', `${context}: ${path.join(sourceDir, relative)} is not a regular file (links and special files cannot be stored)`);
    }
  };
  await walk('');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

async function copyFile(source: string, target: string, relative: string): Promise<ArtifactFile> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const out = await fs.open(target, 'wx');
  try {
    for await (const chunk of createReadStream(source)) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      sizeBytes += bytes.length;
      // A write may take fewer bytes than asked; loop until the chunk is out.
      for (let offset = 0; offset < bytes.length; ) offset += (await out.write(bytes, offset, bytes.length - offset)).bytesWritten;
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return { path: relative, sizeBytes, sha256: hash.digest('hex') };
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The stored files whose bytes no longer match their checksum (or that are gone); empty when intact. */
export async function findCorruptFiles(artifactDir: string, files: readonly ArtifactFile[]): Promise<string[]> {
  const corrupt: string[] = [];
  for (const file of files) {
    const actual = await sha256File(path.join(artifactDir, file.path)).catch(() => null);
    if (actual !== file.sha256) corrupt.push(file.path);
  }
  return corrupt;
}
