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
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (flags.token !== undefined) headers.authorization = `Bearer ${flags.token}`;
  const body = { series: flags.series, from: flags.from, ...(flags.to === undefined ? {} : { to: flags.to }), ...(flags.detector === undefined ? {} : { detector: flags.detector }) };
  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/replay', flags.url), { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (err) {
    const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new Error(`cannot reach ${flags.url}: ${cause} (is "vigil serve" running?)`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // Not JSON: print the body as it is.
    }
    throw new Error(`${message} (HTTP ${response.status})`);
  }
  const result = JSON.parse(text) as { series: number; points: number; anomalies: number };
  process.stdout.write(`replayed ${result.points} points of ${result.series} series: ${result.anomalies} anomalies stored\n`);
  return 0;
}
