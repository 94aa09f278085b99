import type { ModelConfig, ModelKind } from '../engine/model.js';
import { columnStatistics, type DataTable, type Sequences } from './examples.js';

/** Shape settings a user may override on the command line; the rest come from the data and the defaults here. */
export interface ModelOverrides {
  readonly window?: number;
  readonly horizon?: number;
  readonly units?: number;
  readonly layers?: number;
  readonly hidden?: readonly number[];
  readonly seed?: number;
}

/**
 * A model configuration for the data: feature counts, normalisation and vocabulary from the data, sizes from the
 * overrides or defaults that suit operational metrics (a 48-step window, 12 steps ahead, a 5-95% interval).
 */
export function modelConfigFor(kind: ModelKind, data: DataTable | Sequences, overrides: ModelOverrides = {}): ModelConfig {
  const seed = overrides.seed ?? 1;
  if (kind === 'deeplog') {
    if (!('sequences' in data)) throw new Error('cannot configure deeplog: it trains on template-id sequences (a file with one session of ids per line)');
    let maxId = -1;
    for (const s of data.sequences) for (const id of s) maxId = Math.max(maxId, id);
    return { kind, window: overrides.window ?? 10, vocabularySize: maxId + 1, units: overrides.units ?? 64, layers: overrides.layers ?? 2, seed };
  }
  if (!('columns' in data)) throw new Error(`cannot configure ${kind}: it trains on a table of series (CSV or a stored series selector), not template-id sequences`);
  const normalization = columnStatistics(data);
  const features = data.columns.length;
  if (kind === 'lstm-forecaster') {
    return { kind, window: overrides.window ?? 48, horizon: overrides.horizon ?? 12, features, units: overrides.units ?? 32, layers: overrides.layers ?? 1, quantiles: [0.05, 0.5, 0.95], normalization, seed };
  }
  if (kind === 'lstm-autoencoder') return { kind, window: overrides.window ?? 32, features, units: overrides.units ?? 32, normalization, seed };
  const wide = Math.min(64, Math.max(8, features));
  const bottleneck = Math.max(2, Math.ceil(features / 4));
  return { kind, features, hidden: overrides.hidden ?? [wide, bottleneck, wide], normalization, seed };
}
