import { requestJson } from './api-client.js';

export interface ReplayFlags {
  readonly series: string;
  readonly from: string;
  readonly to?: string;
  readonly detector?: string;
  readonly url: string;
  readonly token?: string;
}

/** Asks a running server to re-run detection over stored history (POST /api/v1/replay) and prints what it found. */
export async function replayCommand(flags: ReplayFlags): Promise<number> {
  const body = { series: flags.series, from: flags.from, ...(flags.to === undefined ? {} : { to: flags.to }), ...(flags.detector === undefined ? {} : { detector: flags.detector }) };
  const result = await requestJson<{ series: number; points: number; anomalies: number }>(flags, '/api/v1/replay', { method: 'POST', body });
  process.stdout.write(`replayed ${result.points} points of ${result.series} series: ${result.anomalies} anomalies stored\n`);
  return 0;
}
