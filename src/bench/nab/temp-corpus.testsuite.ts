import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNabTimestamp } from './timestamp.js';

const START_MS = Date.UTC(2014, 3, 1);
const STEP_MS = 5 * 60_000;
export const TEMP_CORPUS_ROWS = 400;

export const NAB_PROFILES_JSON = {
  standard: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 } },
  reward_low_FP_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 } },
  reward_low_FN_rate: { CostMatrix: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 } },
};

/** Deterministic noise in [-1, 1) from a 32-bit linear congruential generator. */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

function rowTime(row: number): string {
  return formatNabTimestamp(START_MS + row * STEP_MS);
}

/**
 * Writes a two-file corpus in NAB's layout under a fresh temp directory: `synthetic/spike.csv` (a
 * spike at row 300) and `other/shift.csv` (a level shift at row 250), one window each centred on the
 * anomaly, `labels/combined_windows.json` and `config/profiles.json`. Returns the directory.
 */
export function writeTempNabCorpus(prefix = 'vigil-nab-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files: Record<string, { values: (i: number) => number; window: [number, number] }> = {};
  const a = noise(1);
  const b = noise(2);
  files['synthetic/spike.csv'] = { values: (i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 96) + a() + (i === 300 ? 40 : 0), window: [290, 310] };
  files['other/shift.csv'] = { values: (i) => 20 + 0.5 * b() + (i >= 250 ? 6 : 0), window: [240, 260] };
  const labels: Record<string, string[][]> = {};
  for (const [relativePath, spec] of Object.entries(files)) {
    const lines = ['timestamp,value'];
    for (let i = 0; i < TEMP_CORPUS_ROWS; i++) lines.push(`${rowTime(i)},${spec.values(i)}`);
    mkdirSync(join(dir, 'data', relativePath.split('/')[0]!), { recursive: true });
    writeFileSync(join(dir, 'data', relativePath), `${lines.join('\n')}\n`);
    labels[relativePath] = [[`${rowTime(spec.window[0])}.000000`, `${rowTime(spec.window[1])}.000000`]];
  }
  mkdirSync(join(dir, 'labels'));
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify(labels, null, 1));
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'profiles.json'), JSON.stringify(NAB_PROFILES_JSON));
  return dir;
}
