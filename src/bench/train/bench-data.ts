import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig, ModelKind } from '../../ml/engine/index.js';
import { examplesFor, modelConfigFor, readDataFile, type DataTable, type Examples, type Sequences } from '../../ml/train/index.js';

/** The model and examples one `vigil bench train` run trains on. */
export interface BenchData {
  readonly source: string;
  readonly model: ModelConfig;
  readonly examples: Examples;
}

/** Metric columns a multivariate benchmark model takes (SMD machines have 38). */
const AUTOENCODER_COLUMNS = 8;

/** 38 deterministic metric-like columns: daily waves at several phases, trends and noise; 20,000 rows. */
function syntheticTable(): DataTable {
  const rows = 20_000;
  const width = 38;
  const values = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      const noise = (Math.sin((r * 12.9898 + c * 78.233) * 43758.5453) % 1) * 0.1;
      values[r * width + c] = 0.5 + 0.3 * Math.sin((2 * Math.PI * r) / 1440 + c) + 0.05 * Math.sin((2 * Math.PI * r) / 60 + 2 * c) + noise;
    }
  }
  return { columns: Array.from({ length: width }, (_, c) => `metric${c}`), rows, values };
}

function selectColumns(table: DataTable, count: number): DataTable {
  const width = table.columns.length;
  const keep = Math.min(count, width);
  const values = new Float64Array(table.rows * keep);
  for (let r = 0; r < table.rows; r++) for (let c = 0; c < keep; c++) values[r * keep + c] = table.values[r * width + c]!;
  return { columns: table.columns.slice(0, keep), rows: table.rows, values };
}

/** The first file in `dir/train/` (SMD's layout) or `dir` itself when it is a file. */
function firstTableFile(path: string): string {
  if (statSync(path).isFile()) return path;
  const train = join(path, 'train');
  const folder = existsSync(train) ? train : path;
  const files = readdirSync(folder).filter((f) => /\.(txt|csv)$/.test(f)).sort();
  if (files.length === 0) throw new Error(`cannot read benchmark data: no .txt or .csv file in ${folder}`);
  return join(folder, files[0]!);
}

/**
 * The data a kind trains on: for metric models SMD-like tables (`--data` a directory with train/<machine>.txt, or a
 * CSV file; a synthetic table without --data): the forecaster one column, the sequence autoencoder 8, the dense
 * autoencoder every column; for deeplog HDFS sessions (`--data` a directory with hdfs_train, or a file).
 */
export async function benchData(kind: ModelKind, data: string | undefined): Promise<BenchData> {
  let table: DataTable | Sequences;
  let source: string;
  if (kind === 'deeplog') {
    if (data === undefined) throw new Error('cannot benchmark deeplog without --data: give the HDFS sessions directory (hdfs_train) or a sequence file');
    source = statSync(data).isFile() ? data : join(data, 'hdfs_train');
    table = (await readDataFile(source, true)).data;
  } else if (data === undefined) {
    source = 'synthetic (38 metrics × 20,000 minutes)';
    table = syntheticTable();
  } else {
    source = firstTableFile(data);
    table = (await readDataFile(source, false)).data;
  }
  if ('columns' in table) {
    const columns = kind === 'lstm-forecaster' ? 1 : kind === 'lstm-autoencoder' ? AUTOENCODER_COLUMNS : table.columns.length;
    table = selectColumns(table, columns);
  }
  const model = modelConfigFor(kind, table);
  return { source, model, examples: examplesFor(model, table) };
}
