import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hostsRankLauncher, startTrainAgent, type TrainAgent } from '../ml/train/index.js';
import { examples, forecaster, job } from '../ml/train/training.testsuite.js';
import { processEntry } from '../util/index.js';
import { vigilStdout } from './run-in-process.testsuite.js';
import { trainAgentCommand } from './train-agent.js';

interface TrainSummary {
  readonly version: number;
  readonly metrics: { readonly heldOutLoss: number; readonly steps: number; readonly workers: number };
}

describe('vigil train --hosts', () => {
  let dir: string;
  let csv: string;
  let tokenFile: string;
  const agents: TrainAgent[] = [];
  const agentLogs: string[][] = [[], []];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-train-hosts-'));
    csv = join(dir, 'load.csv');
    const lines = ['timestamp,load'];
    for (let i = 0; i < 300; i++) lines.push(`${1_700_000_000 + i * 60},${(10 + 3 * Math.sin((2 * Math.PI * i) / 24)).toFixed(4)}`);
    await writeFile(csv, `${lines.join('\n')}\n`);
    tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'cli-secret-token\n');
    await chmod(tokenFile, 0o600);
    for (const log of agentLogs) agents.push(await startTrainAgent({ host: '127.0.0.1', port: 0, log: (line) => log.push(line) }));
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const hostList = (): string => agents.map((a) => `127.0.0.1:${a.address.port}`).join(',');
  const args = (...more: string[]): string[] => [
    'train', '--model', 'lstm-forecaster', '--data', csv, '--workers', '2', '--epochs', '1', '--batch-size', '8',
    '--window', '12', '--horizon', '3', '--units', '8', '--commit-every', '10', '--registry', join(dir, 'models'), '--creator', 'ci', '--json', ...more,
  ];
  const quietly = async <T>(run: () => Promise<T>): Promise<T> => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      return await run();
    } finally {
      stderr.mockRestore();
    }
  };

  it('trains on two workers, one on each agent, and registers the model', async () => {
    const summary = JSON.parse(await quietly(() => vigilStdout(args('--hosts', hostList())))) as TrainSummary;
    expect(summary.metrics.workers).toBe(2);
    expect(summary.metrics.steps).toBeGreaterThan(0);
    expect(Number.isFinite(summary.metrics.heldOutLoss)).toBe(true);
    expect(agents.flatMap((a) => a.rankPids())).toEqual([]);
    expect(agentLogs.map((log) => log.filter((l) => l.includes('started worker')).length)).toEqual([1, 1]);
  });

  it('refuses --transport threads with --hosts, names a bad host entry, and names an agent it cannot reach', async () => {
    await expect(vigilStdout(args('--hosts', hostList(), '--transport', 'threads'))).rejects.toThrow(/--hosts runs the ranks on other machines over tcp; it cannot go with --transport threads/);
    await expect(vigilStdout(args('--hosts', `${hostList()},nohostport`))).rejects.toThrow(/cannot train: --hosts entry 3 "nohostport" is not HOST:PORT/);
    await expect(vigilStdout(args('--agent-token-file', tokenFile))).rejects.toThrow(/--agent-token-file is for the agents of --hosts/);
    const closed = await startTrainAgent({ host: '127.0.0.1', port: 0 });
    await closed.close();
    await expect(quietly(() => vigilStdout(args('--hosts', `${hostList()},127.0.0.1:${closed.address.port}`)))).rejects.toThrow(
      new RegExp(`cannot train: cannot use the training agent at 127\\.0\\.0\\.1:${closed.address.port}: .*ECONNREFUSED`),
    );
  });

  it('vigil train-agent with --token-file accepts only a driver with the same token', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      let listening!: (agent: TrainAgent) => void;
      const agentUp = new Promise<TrainAgent>((resolve) => (listening = resolve));
      const command = trainAgentCommand({ listen: '127.0.0.1:0', tokenFile }, { signal: stop.signal, onListening: listening });
      const agent = await agentUp;
      const hosts = `127.0.0.1:${agent.address.port}`;
      await expect(vigilStdout(args('--hosts', hosts))).rejects.toThrow(/refused the driver: this agent requires a token/);
      const other = join(dir, 'other-token');
      await writeFile(other, 'not-the-token\n', { mode: 0o600 });
      await expect(vigilStdout(args('--hosts', hosts, '--agent-token-file', other))).rejects.toThrow(/refused the driver: the token the driver presented is not the agent's token/);
      const summary = JSON.parse(await vigilStdout(args('--hosts', hosts, '--agent-token-file', tokenFile))) as TrainSummary;
      expect(summary.metrics.workers).toBe(2);
      stop.abort();
      expect(await command).toBe(0);
    } finally {
      stderr.mockRestore();
    }
    const log = lines.join('');
    expect(log).toMatch(/vigil train-agent: listening on 127\.0\.0\.1:\d+, drivers must present the token/);
    expect(log).toMatch(/refused: this agent requires a token/);
    expect(log).not.toMatch(/cli-secret-token|not-the-token/);
  });

  it('vigil train-agent names a bad --listen', async () => {
    await expect(vigilStdout(['train-agent', '--listen', 'nope'])).rejects.toThrow('cannot start the training agent: --listen "nope" is not HOST:PORT');
    await expect(vigilStdout(['train-agent', '--listen', '127.0.0.1:70000'])).rejects.toThrow(/--listen "127.0.0.1:70000" has port 70000/);
  });

  it('vigil train-agent as a process: SIGTERM stops it and the ranks it runs', async () => {
    const entry = processEntry(new URL('./main.ts', import.meta.url), import.meta.url);
    // `node -e CODE vigil train-agent ...`: process.argv is [node, 'vigil', 'train-agent', ...], as main expects.
    const code = `const { main } = await import(${JSON.stringify(new URL('./main.ts', import.meta.url).href)}); await main(process.argv);`;
    const child = spawn(process.execPath, [...entry.execArgv, '--input-type=module', '-e', code, 'vigil', 'train-agent', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    try {
      const port = Number((await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(log)?.[1], 'the agent to listen', () => log))!);
      const launcher = hostsRankLauncher([{ host: '127.0.0.1', port }]);
      await launcher.ready();
      const gone: string[] = [];
      launcher.launch({ workerId: 0, model: forecaster, job: job(6), examples, timeline: false }, { message: () => undefined, exit: (_code, error) => void gone.push(error?.message ?? '') });
      const pid = Number(await waitFor(() => /started worker 0 \(pid (\d+)\)/.exec(log)?.[1], 'the rank to start', () => log));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toMatch(/stopping \(SIGTERM\): killing 1 rank\(s\)/);
      await waitFor(() => (isAlive(pid) ? undefined : true), 'the rank process to end', () => log);
      await waitFor(() => (gone.length > 0 ? true : undefined), 'the driver to hear the rank is gone', () => log);
      expect(gone[0]).toMatch(new RegExp(`training agent at 127\\.0\\.0\\.1:${port}`));
      await launcher.close();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(probe: () => T | undefined, what: string, context: () => string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
