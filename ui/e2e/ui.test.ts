import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where the screenshot lands for people to look at; `.tmp/` is git-ignored. */
const SCREENSHOT_PATH = path.join(REPO_ROOT, '.tmp', 'ui-e2e.png');
const SERIES_NAME = 'e2e.latency';
const SERIES_KEY = `${SERIES_NAME};host=web1`;
/** More than the default ensemble's warm-up (600 points) before the spike. */
const POINT_COUNT = 800;
const STEP_MS = 10_000;
const SPIKE_INDEX = 740;
/** Generous: on a busy 2-core machine the server, Chromium and detection share the CPU. */
const WAIT_MS = 45_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function requireFile(file: string, hint: string): void {
  if (!fs.existsSync(path.join(REPO_ROOT, file))) throw new Error(`cannot run the UI e2e test: ${file} is missing (${hint})`);
}

/** A steady series with small deterministic wobble and one spike, one point every 10 s up to now. */
function spikePoints(nowMs: number): { series: string; tags: Record<string, string>; timestampMs: number; value: number }[] {
  const startMs = nowMs - POINT_COUNT * STEP_MS;
  const points = [];
  for (let i = 0; i < POINT_COUNT; i++) {
    const value = i === SPIKE_INDEX ? 500 : 50 + 2 * Math.sin(i / 5) + ((i * 7) % 5) * 0.3;
    points.push({ series: SERIES_NAME, tags: { host: 'web1' }, timestampMs: startMs + i * STEP_MS, value });
  }
  return points;
}

describe('web UI against a real vigil server', () => {
  let tmpDir = '';
  let server: ChildProcess | undefined;
  let serverOutput = '';
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl = '';

  async function waitForReady(): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (server?.exitCode !== null) throw new Error(`cannot start vigil serve: exited with ${server?.exitCode}\n${serverOutput}`);
      try {
        const res = await fetch(`${baseUrl}/readyz`);
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`cannot start vigil serve: /readyz not 200 after ${WAIT_MS} ms (${last})\n${serverOutput}`);
  }

  beforeAll(async () => {
    requireFile('bin/vigil.js', 'the CLI entry point');
    requireFile('dist/cli/main.js', 'run `npm run build` first');
    requireFile('ui/dist/index.html', 'run `npm run build` first');
    if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`cannot run the UI e2e test: ${CHROMIUM_PATH} is missing (apt-get install chromium)`);

    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ui-e2e-'));
    const httpPort = await freePort();
    const graphitePort = await freePort();
    const hecPort = await freePort();
    const syslogPort = await freePort();
    const otherPorts = ['--graphite-pickle-port', '--otlp-port', '--statsd-port'];
    const otherArgs: string[] = [];
    for (const flag of otherPorts) otherArgs.push(flag, String(await freePort()));
    baseUrl = `http://127.0.0.1:${httpPort}`;
    const args = ['bin/vigil.js', 'serve', '--data-dir', path.join(tmpDir, 'data'), '--http-port', String(httpPort), '--graphite-port', String(graphitePort), '--hec-port', String(hecPort), '--syslog-port', String(syslogPort), ...otherArgs];
    server = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      serverOutput = (serverOutput + chunk.toString()).slice(-20_000);
    };
    server.stdout?.on('data', collect);
    server.stderr?.on('data', collect);
    await waitForReady();

    // playwright's launch() gives Chromium a fresh temporary profile directory of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });

  afterAll(async () => {
    await browser?.close();
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (tmpDir !== '') fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('shows the empty state, then charts a posted series with its anomaly', { timeout: 180_000 }, async () => {
    await page.goto(`${baseUrl}/`);
    const emptyState = page.getByTestId('empty-state');
    await emptyState.waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(emptyState.innerText()).resolves.toContain('npx vigil demo');
    await expect(page.getByTestId('status-line').innerText()).resolves.toContain('0 series');

    const points = spikePoints(Date.now() - STEP_MS);
    const res = await fetch(`${baseUrl}/api/v1/points`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(points),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: unknown[] };
    expect(body).toEqual({ accepted: POINT_COUNT, rejected: [] });

    // Auto-refresh is on by default: the list appears without a reload.
    const item = page.locator(`[data-testid="series-item"][data-series-key="${SERIES_KEY}"]`);
    await item.waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(page.getByTestId('empty-state').count()).resolves.toBe(0);

    await page.getByTestId('series-search').fill('latency');
    await item.waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(page.getByTestId('series-count').innerText()).resolves.toContain('1 series matches');
    await item.click();
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/series/${SERIES_KEY}?from=-1h`);

    const canvas = page.locator('[data-testid="chart"] canvas');
    await canvas.waitFor({ state: 'visible', timeout: WAIT_MS });
    // The line is drawn: some canvas pixels carry the line colour's blue.
    await page.waitForFunction(
      () => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="chart"] canvas');
        const ctx = c?.getContext('2d');
        if (!c || !ctx || c.width === 0 || c.height === 0) return false;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 2]! > 200 && px[i]! < 80 && px[i + 3]! > 200) return true;
        }
        return false;
      },
      undefined,
      { timeout: WAIT_MS },
    );

    // Detection runs asynchronously; auto-refresh brings the anomaly into the table.
    const row = page.getByTestId('anomaly-row').first();
    await row.waitFor({ state: 'visible', timeout: WAIT_MS });
    const spikeRow = page.getByTestId('anomaly-row').filter({ has: page.locator('td:nth-child(2)', { hasText: /^500$/ }) });
    await spikeRow.first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await item.getByTestId('anomaly-badge').waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(page.getByTestId('error-banner').count()).resolves.toBe(0);

    fs.mkdirSync(path.dirname(SCREENSHOT_PATH), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(fs.statSync(SCREENSHOT_PATH).size).toBeGreaterThan(10_000);
  });

  it('marks a posted deploy on the chart as a dashed line with its details on hover', { timeout: 120_000 }, async () => {
    const res = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'deploy', service: 'checkout', version: '9.9.9', timestampMs: Date.now() - 30 * 60_000, description: 'e2e rollout' }),
    });
    expect(res.status).toBe(200);
    // The chart of the series selected above picks the event up on its next refresh.
    await page.locator('[data-testid="chart"][data-event-count="1"]').waitFor({ state: 'attached', timeout: WAIT_MS });
    // Find the deploy colour (#7c3aed) in the canvas, then hover there in CSS pixels.
    const handle = await page.waitForFunction(
      () => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="chart"] canvas');
        const ctx = c?.getContext('2d');
        if (!c || !ctx || c.width === 0) return null;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < px.length; i += 4) {
          if (Math.abs(px[i]! - 124) < 12 && Math.abs(px[i + 1]! - 58) < 12 && Math.abs(px[i + 2]! - 237) < 12) {
            const rect = c.getBoundingClientRect();
            const x = (i / 4) % c.width;
            return { x: rect.left + (x * rect.width) / c.width, y: rect.top + rect.height / 2 };
          }
        }
        return null;
      },
      undefined,
      { timeout: WAIT_MS },
    );
    const at = (await handle.jsonValue()) as { x: number; y: number };
    await page.mouse.move(at.x, at.y);
    const tip = page.locator('.chart-tip');
    await tip.waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(tip.innerText()).resolves.toContain('deploy checkout 9.9.9');
    await expect(tip.innerText()).resolves.toContain('e2e rollout');
  });

  it('shows the evidence of a log-derived anomaly: the reason, the template and the line', { timeout: 120_000 }, async () => {
    const message = 'fatal: replica set rs0 lost quorum after 3 elections';
    const res = await fetch(`${baseUrl}/api/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify({ timestampMs: Date.now(), host: 'db-1', level: 'critical', message })}\n`,
    });
    expect(res.status).toBe(200);
    const templates = (await (await fetch(`${baseUrl}/api/v1/templates`)).json()) as { templates: { series: string; template: string }[] };
    const series = templates.templates.find((t) => t.template.startsWith('fatal'))!.series;

    await page.getByTestId('series-search').fill('log.template');
    const item = page.locator(`[data-testid="series-item"][data-series-key="${series}"]`);
    await item.waitFor({ state: 'visible', timeout: WAIT_MS });
    await item.click();
    const evidence = page.getByTestId('anomaly-evidence').first();
    await evidence.waitFor({ state: 'visible', timeout: WAIT_MS });
    await expect(evidence.locator('summary').innerText()).resolves.toContain('never seen before');
    await evidence.locator('summary').click();
    await expect(page.getByTestId('evidence-template').first().innerText()).resolves.toContain('replica set');
    await expect(evidence.innerText()).resolves.toContain(message);
    await expect(page.getByTestId('error-banner').count()).resolves.toBe(0);
    await page.screenshot({ path: SCREENSHOT_PATH.replace(/\.png$/, '-evidence.png'), fullPage: true });
  });
});
