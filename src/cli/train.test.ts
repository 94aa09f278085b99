import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ModelRegistry } from '../ml/registry/index.js';
import { vigilStdout } from './run-in-process.testsuite.js';

interface TrainSummary {
  readonly name: string;
  readonly version: number;
  readonly kind: string;
  readonly metrics: { readonly heldOutLoss: number; readonly steps: number; readonly workers: number; readonly trainExamples: number };
}

describe('vigil train', () => {
  let dir: string;
  let csv: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-train-cli-'));
    csv = join(dir, 'load.csv');
    const lines = ['timestamp,load'];
    for (let i = 0; i < 400; i++) lines.push(`${1_700_000_000 + i * 60},${(10 + 3 * Math.sin((2 * Math.PI * i) / 24)).toFixed(4)}`);
    lines.splice(100, 0, '1700005940,not-a-number');
    await writeFile(csv, `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = (epochs: number, ...more: string[]): string[] => [
    'train', '--model', 'lstm-forecaster', '--data', csv, '--workers', '2', '--epochs', String(epochs), '--batch-size', '8',
    '--window', '12', '--horizon', '3', '--units', '8', '--commit-every', '10', '--checkpoint-dir', join(dir, 'checkpoints'),
    '--registry', join(dir, 'models'), '--name', 'load-forecast', '--creator', 'ci', '--json', ...more,
  ];

  it('trains on two workers, rejects the bad line by number, checkpoints, writes a timeline and registers version 1', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let summary: TrainSummary;
    try {
      summary = JSON.parse(await vigilStdout(args(2, '--timeline', join(dir, 'timeline.json')))) as TrainSummary;
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/line 101: column load: "not-a-number" is not a number/);
    } finally {
      stderr.mockRestore();
    }
    expect(summary).toMatchObject({ name: 'load-forecast', version: 1, kind: 'lstm-forecaster' });
    expect(summary.metrics.workers).toBe(2);
    expect(Number.isFinite(summary.metrics.heldOutLoss)).toBe(true);
    expect((await readFile(join(dir, 'checkpoints', 'latest'), 'utf8')).trim()).toBe(`step-${String(summary.metrics.steps).padStart(9, '0')}`);
    const trace = JSON.parse(await readFile(join(dir, 'timeline.json'), 'utf8')) as { traceEvents: { name: string; ph: string; tid: number }[] };
    const workers = new Set(trace.traceEvents.filter((e) => e.ph === 'X' && e.name === 'compute').map((e) => e.tid));
    expect(workers.size).toBe(2);
    const version = await new ModelRegistry({ root: join(dir, 'models') }).getVersion('load-forecast', 1);
    expect(version.creator).toBe('ci');
    expect(version.trainingData.fromMs).toBe(1_700_000_000_000);
  });

  it('resumes from the newest checkpoint and registers the continued model as version 2', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const first = (await new ModelRegistry({ root: join(dir, 'models') }).getVersion('load-forecast', 1)).metrics.steps!;
      const summary = JSON.parse(await vigilStdout(args(4, '--resume'))) as TrainSummary;
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/resuming from .*step-0+\d+ \(step \d+, epoch 2\)/);
      expect(summary.version).toBe(2);
      expect(summary.metrics.steps).toBe(2 * first);
    } finally {
      stderr.mockRestore();
    }
  });

  it('refuses to resume with other settings, naming the field', async () => {
    await expect(vigilStdout([...args(6, '--resume'), '--units', '16'])).rejects.toThrow(/checkpoint's model has units 8, this run asks for 16/);
  });
});
