import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../bench/index.js';
import type { AlertNotification } from '../alert/index.js';
import type { RegressionsAnswer } from '../regress/index.js';
import { builtBinPath, eventually, getJson, sendGraphiteTcp, WebhookReceiver } from './test-support.js';

const run = promisify(execFile);

/** Deterministic noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

const SERIES = [
  { name: 'shop.checkout.latency_p99_ms', level: 180, spread: 6, shift: 90 },
  { name: 'shop.checkout.cpu_percent', level: 40, spread: 3, shift: 0 },
  { name: 'shop.checkout.errors_per_s', level: 2, spread: 0.4, shift: 0 },
  { name: 'shop.checkout.requests_per_s', level: 900, spread: 30, shift: 0 },
  { name: 'shop.checkout.memory_mb', level: 2048, spread: 20, shift: 0 },
];

describe('end to end: deploy event, latency shift, regression report and alert', () => {
  const receiver = new WebhookReceiver();
  let server: SpawnedServer;

  beforeAll(async () => {
    const hookUrl = await receiver.start();
    server = await spawnServer({
      binPath: builtBinPath(),
      configYaml: ['alerts:', '  resolveAfterMs: 3600000', '  webhooks:', '    - name: test', `      url: ${hookUrl}`, '      initialBackoffMs: 50', ''].join('\n'),
    });
  });

  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it('ranks the shifted series first, links the deploy in the alert, and prints it in `vigil regressions`', async () => {
    const stepSeconds = 10;
    const total = 900;
    const shiftIndex = 800;
    const startSeconds = Math.floor(Date.now() / 1000) - total * stepSeconds;
    const deployMs = (startSeconds + shiftIndex * stepSeconds) * 1000;
    const posted = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'deploy-2.4.0', type: 'deploy', service: 'checkout', version: '2.4.0', timestampMs: deployMs, tags: { team: 'payments' } }),
    });
    expect(posted.status).toBe(200);

    let text = '';
    for (let i = 0; i < total; i++) {
      SERIES.forEach((s, k) => {
        const value = s.level + s.spread * noise(i * 7 + k) + (i >= shiftIndex ? s.shift : 0);
        text += `${s.name} ${value.toFixed(3)} ${startSeconds + i * stepSeconds}\n`;
      });
    }
    await sendGraphiteTcp(server.graphitePort, text);

    const latency = SERIES[0]!.name;
    const answer = await eventually(
      async () => {
        const body = await getJson<RegressionsAnswer>(`${server.url}/api/v1/regressions?from=0&service=checkout`);
        return body.reports[0]?.compared === SERIES.length ? body : undefined;
      },
      30_000,
      'a report over all five series',
    );
    const [report] = answer.reports;
    expect(report!.event.id).toBe('deploy-2.4.0');
    expect(report!.changes.map((c) => [c.series, c.verdict])).toEqual([[latency, 'regressed']]);
    expect(report!.changes[0]!.shift).toBeGreaterThan(70);
    expect(report!.changes[0]!.shift).toBeLessThan(110);
    const row = answer.regressions.find((r) => r.source === 'deploy_report')!;
    expect(row).toMatchObject({ series: latency, event: { id: 'deploy-2.4.0', type: 'deploy', service: 'checkout', version: '2.4.0' } });

    // The first shifted point fires as it comes; once the shift has lasted, the alert fires again as a
    // level shift, naming the deploy before it.
    const isShiftAlert = (b: unknown) => (b as AlertNotification).series === latency && (b as AlertNotification).kind === 'level_shift';
    const alert = (await eventually(async () => receiver.bodies.find(isShiftAlert), 30_000, 'the level-shift alert on the shifted series')) as AlertNotification;
    expect(alert.suspectedEvent).toMatchObject({ id: 'deploy-2.4.0', service: 'checkout' });
    expect(alert.summary).toContain('after deploy of checkout 2.4.0');
    // The streaming shift is the change the deploy report shows: one row, not two.
    const again = await getJson<RegressionsAnswer>(`${server.url}/api/v1/regressions?from=0&service=checkout`);
    expect(again.regressions.map((r) => [r.series, r.source, r.event?.id])).toEqual([[latency, 'deploy_report', 'deploy-2.4.0']]);

    // Offline segmentation of the stored range finds the same change, within the TCPD margin.
    const segmented = await getJson<{ method: string; changePointsMs: number[]; segments: { median: number }[] }>(
      `${server.url}/api/v1/changepoints?series=${latency}&from=${startSeconds * 1000}&step=10s`,
    );
    expect(segmented.method).toBe('wald-binseg');
    expect(segmented.changePointsMs).toHaveLength(1);
    expect(Math.abs(segmented.changePointsMs[0]! - deployMs)).toBeLessThanOrEqual(5 * stepSeconds * 1000);
    expect(segmented.segments.map((s) => Math.round(s.median / 10))).toEqual([18, 27]);
    const unknown = await fetch(`${server.url}/api/v1/changepoints?series=${latency}&method=magic`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/unknown change-point method "magic": use one of wald-binseg, pelt, binseg, edivisive, bocpd/);

    const { stdout } = await run(process.execPath, [builtBinPath(), 'regressions', '--since', '1d', '--service', 'checkout', '--url', server.url]);
    const lines = stdout.trim().split('\n');
    expect(lines[1]).toMatch(/^SERIES\s+CHANGE\s+BEFORE -> AFTER\s+CONFIDENCE\s+SUSPECTED EVENT$/);
    const reportLine = lines.find((l) => l.startsWith(latency) && l.includes('%'))!;
    expect(reportLine).toMatch(/\+\d+(\.\d+)? \(\+\d+\.\d%\)\s+\d+(\.\d+)? -> \d+(\.\d+)?\s+\d+\.\d%\s+deploy checkout 2\.4\.0 at /);
  });
});
