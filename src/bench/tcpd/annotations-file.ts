/** Dataset name → annotator id → the change points that annotator marked. */
export type TcpdAnnotationsFile = ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses TCPD's `annotations.json`; `path` names it in errors, with the dataset and annotator at fault. */
export function parseTcpdAnnotations(text: string, path: string): TcpdAnnotationsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`cannot load TCPD annotations ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(json)) throw new Error(`cannot load TCPD annotations ${path}: not a JSON object of dataset name → annotator → indices`);
  const out = new Map<string, Map<string, number[]>>();
  for (const [dataset, annotators] of Object.entries(json)) {
    if (!isRecord(annotators)) throw new Error(`cannot load TCPD annotations ${path}: field ${dataset} must be an object of annotator → indices`);
    const byAnnotator = new Map<string, number[]>();
    for (const [annotator, indices] of Object.entries(annotators)) {
      const field = `${dataset}.${annotator}`;
      if (!Array.isArray(indices)) throw new Error(`cannot load TCPD annotations ${path}: field ${field} must be an array of indices`);
      for (const index of indices as unknown[]) {
        if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
          throw new Error(`cannot load TCPD annotations ${path}: field ${field} holds ${JSON.stringify(index)}, not a non-negative integer index`);
        }
      }
      byAnnotator.set(annotator, indices as number[]);
    }
    out.set(dataset, byAnnotator);
  }
  return out;
}
