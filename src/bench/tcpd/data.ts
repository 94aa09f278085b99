import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseTcpdAnnotations } from './annotations-file.js';
import { parseTcpdDatasetFile } from './dataset-file.js';
import type { TcpdSeriesFile } from './dataset-file.js';

/** The layout of a TCPD directory, as TCPDBench ships it. */
export const TCPD_FILES = { datasets: 'datasets', annotations: 'annotations.json', published: 'published' } as const;

/** One series with its annotations. */
export interface TcpdDataset extends TcpdSeriesFile {
  /** Annotator id → the change points that annotator marked; at least one annotator. */
  readonly annotations: ReadonlyMap<string, readonly number[]>;
}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read TCPD ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Reads every `datasets/<name>.json` of a TCPD directory (by name) with its entry in `annotations.json`.
 * A dataset with no annotators, or an annotation outside the series, is an error: it could not be scored.
 */
export function loadTcpdDatasets(dataDir: string): TcpdDataset[] {
  const datasetsDir = join(dataDir, TCPD_FILES.datasets);
  let files: string[];
  try {
    files = readdirSync(datasetsDir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new Error(`cannot read TCPD datasets ${datasetsDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (files.length === 0) throw new Error(`cannot load TCPD datasets: ${datasetsDir} has no .json files`);
  const annotationsPath = join(dataDir, TCPD_FILES.annotations);
  const annotations = parseTcpdAnnotations(read(annotationsPath, 'annotations'), annotationsPath);
  return files.map((file) => {
    const path = join(datasetsDir, file);
    const parsed = parseTcpdDatasetFile(read(path, 'dataset'), path);
    // Annotations are keyed by the `name` field; a file renamed apart from it would be scored against another's.
    if (parsed.name !== basename(file, '.json')) throw new Error(`cannot load TCPD dataset ${path}: field name is ${JSON.stringify(parsed.name)}, not the file's name`);
    const own = annotations.get(parsed.name);
    if (own === undefined || own.size === 0) throw new Error(`cannot load TCPD dataset ${parsed.name}: ${annotationsPath} has no annotations for it`);
    for (const [annotator, indices] of own) {
      const outside = indices.find((i) => i >= parsed.nObs);
      if (outside !== undefined) throw new Error(`cannot load TCPD annotations ${annotationsPath}: field ${parsed.name}.${annotator} holds ${outside}, past n_obs ${parsed.nObs}`);
    }
    return { ...parsed, annotations: own };
  });
}
