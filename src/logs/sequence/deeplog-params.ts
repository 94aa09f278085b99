/** DeepLog's settings (Du et al., CCS 2017) and how it is trained here. */
export interface DeepLogParams {
  /** Keys before the one predicted: DeepLog's window h. */
  readonly historyLength: number;
  /** A key must be among this many most probable predictions of its window: DeepLog's g. */
  readonly topCandidates: number;
  /** LSTM units per layer. */
  readonly hiddenUnits: number;
  /** Stacked LSTM layers. */
  readonly layers: number;
  /** Passes over the distinct training windows. */
  readonly epochs: number;
  /** Distinct windows per optimiser step. */
  readonly batchSize: number;
  /** Adam step size. */
  readonly learningRate: number;
  /**
   * Weight of a distinct training window in the loss: 'occurrences' is the plain loss over every position;
   * 'sqrt-occurrences' (default) still favours frequent windows but lets the rare ones, which top-g decisions hinge
   * on, be learnt within few epochs; 'uniform' counts each distinct window once.
   */
  readonly windowWeighting: 'occurrences' | 'sqrt-occurrences' | 'uniform';
  /** Seed of the initial weights and of the shuffle of each epoch. */
  readonly seed: number;
  /**
   * Predict an end-of-session symbol after the last key, so a session cut short is judged too. DeepLog's paper has
   * no such symbol; it is on by default because a block that stops early is a typical HDFS failure.
   */
  readonly judgeEnd: boolean;
  /**
   * Distinct windows whose predictions scoring keeps for reuse (each costs 4 bytes per class); the cache starts over
   * when it is full.
   */
  readonly cachedWindows: number;
}

/** The paper's h = 10, g = 9 and two layers of 64 units; epochs and batch size chosen for a 2-core machine. */
export const DEFAULT_DEEPLOG_PARAMS: DeepLogParams = {
  historyLength: 10,
  topCandidates: 9,
  hiddenUnits: 64,
  layers: 2,
  epochs: 20,
  batchSize: 256,
  learningRate: 0.01,
  windowWeighting: 'sqrt-occurrences',
  seed: 1,
  judgeEnd: true,
  cachedWindows: 100_000,
};

function positiveInteger(params: DeepLogParams, field: keyof DeepLogParams): void {
  const value = params[field];
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) throw new Error(`cannot train deeplog: ${field} must be an integer >= 1, got ${String(value)}`);
}

/** Defaults overlaid with `overrides`, every field checked; errors name the field and the value. */
export function resolveDeepLogParams(overrides: Partial<DeepLogParams> = {}): DeepLogParams {
  for (const field of Object.keys(overrides)) if (!(field in DEFAULT_DEEPLOG_PARAMS)) throw new Error(`cannot train deeplog: unknown parameter ${JSON.stringify(field)} (known: ${Object.keys(DEFAULT_DEEPLOG_PARAMS).join(', ')})`);
  const params: DeepLogParams = { ...DEFAULT_DEEPLOG_PARAMS, ...overrides };
  for (const field of ['historyLength', 'topCandidates', 'hiddenUnits', 'layers', 'epochs', 'batchSize', 'cachedWindows'] as const) positiveInteger(params, field);
  if (!(typeof params.learningRate === 'number' && params.learningRate > 0 && Number.isFinite(params.learningRate))) throw new Error(`cannot train deeplog: learningRate must be a finite number > 0, got ${String(params.learningRate)}`);
  if (!Number.isInteger(params.seed)) throw new Error(`cannot train deeplog: seed must be an integer, got ${String(params.seed)}`);
  if (!(['occurrences', 'sqrt-occurrences', 'uniform'] as const).includes(params.windowWeighting)) throw new Error(`cannot train deeplog: windowWeighting must be occurrences, sqrt-occurrences or uniform, got ${JSON.stringify(params.windowWeighting)}`);
  if (typeof params.judgeEnd !== 'boolean') throw new Error(`cannot train deeplog: judgeEnd must be a boolean, got ${String(params.judgeEnd)}`);
  return params;
}
