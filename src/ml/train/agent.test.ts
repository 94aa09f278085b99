import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTrainAgent, type TrainAgent, type TrainAgentOptions } from './agent.js';
import { AGENT_PROTOCOL_VERSION, FrameReader, parseHostList, writeFrame, type AgentFrame } from './agent-wire.js';
import { runTraining } from './driver.js';
import { hostsRankLauncher } from './hosts-launcher.js';
import { examples, forecaster, job } from './training.testsuite.js';

const started: TrainAgent[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

async function agent(options: Partial<TrainAgentOptions> = {}): Promise<TrainAgent> {
  const a = await startTrainAgent({ host: '127.0.0.1', port: 0, ...options });
  started.push(a);
  return a;
}

const name = (a: TrainAgent): string => `${a.address.host}:${a.address.port}`;

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Sends raw bytes to an agent and collects what it answers until it closes the connection. */
async function rawExchange(a: TrainAgent, bytes: Buffer): Promise<AgentFrame[]> {
  const socket: Socket = connect(a.address.port, a.address.host);
  const reader = new FrameReader(1 << 20);
  const frames: AgentFrame[] = [];
  socket.on('data', (chunk: Buffer) => frames.push(...(reader.push(chunk) as AgentFrame[])));
  socket.write(bytes);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the agent kept the connection open')), 10_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return frames;
}

function header(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(length, 0);
  return b;
}

describe('train agent: auth', () => {
  it('refuses a driver without the token or with a wrong one, says why, and never logs the token', async () => {
    const lines: string[] = [];
    const a = await agent({ token: 'correct-horse-battery', log: (line) => lines.push(line) });
    const none = hostsRankLauncher([a.address]);
    await expect(none.ready()).rejects.toThrow(new RegExp(`cannot use the training agent at ${name(a)}: it refused the driver: this agent requires a token and the driver presented none`));
    await none.close();
    const wrong = hostsRankLauncher([a.address], { token: 'wrong-token-value' });
    await expect(wrong.ready()).rejects.toThrow(/it refused the driver: the token the driver presented is not the agent's token/);
    await wrong.close();
    // The refusal reaches whoever runs the training, and nothing started on the agent.
    await expect(runTraining({ model: forecaster, job: job(12), examples, launcher: hostsRankLauncher([a.address], { token: 'wrong-token-value' }), workers: 2 })).rejects.toThrow(/refused the driver: the token/);
    expect(a.rankPids()).toEqual([]);
    const right = hostsRankLauncher([a.address], { token: 'correct-horse-battery' });
    await right.ready();
    await right.close();
    expect(lines.filter((l) => l.includes('refused')).length).toBeGreaterThanOrEqual(3);
    expect(lines.join('\n')).not.toMatch(/correct-horse|wrong-token/);
  });
});

describe('train agent: bad frames', () => {
  it('closes a connection that sends a frame over the limit or one that does not decode, with a named error, and goes on', async () => {
    const lines: string[] = [];
    const a = await agent({ log: (line) => lines.push(line) });
    const big = await rawExchange(a, header(0x7fff_ffff));
    expect(big).toEqual([{ type: 'error', name: 'AgentProtocolError', message: expect.stringMatching(/a frame of 2147483647 bytes is over the limit of 65536 bytes/) }]);
    const garbage = await rawExchange(a, Buffer.concat([header(6), Buffer.from([0xff, 0x0f, 0x99, 0x01, 0x02, 0x03])]));
    expect(garbage).toEqual([{ type: 'error', name: 'AgentProtocolError', message: expect.stringMatching(/^malformed frame/) }]);
    expect(lines.join('\n')).toMatch(/AgentProtocolError: a frame of 2147483647 bytes is over the limit/);
    // Still serving drivers.
    const launcher = hostsRankLauncher([a.address]);
    await launcher.ready();
    await launcher.close();
  });

  it('after the hello, refuses a launch over its frame limit and the driver hears why', async () => {
    const a = await agent({ maxFrameBytes: 1024 });
    const notes: string[] = [];
    const run = runTraining({ model: forecaster, job: job(12), examples, launcher: hostsRankLauncher([a.address], { note: (l) => notes.push(l) }), workers: 1 });
    await expect(run).rejects.toThrow(new RegExp(`lost the training agent at ${name(a)}: AgentProtocolError: a frame of \\d+ bytes is over the limit of 1024 bytes`));
    expect(notes.join('\n')).toMatch(/lost the training agent/);
    expect(a.rankPids()).toEqual([]);
  });
});

/** Says hello as `host`, launches one rank and returns the endpoint the agent reports for it. */
async function reportedEndpoint(a: TrainAgent, host: string): Promise<{ host: string; port: number }> {
  const socket: Socket = connect(a.address.port, '127.0.0.1');
  const reader = new FrameReader(1 << 30);
  try {
    return await new Promise((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        for (const frame of reader.push(chunk) as AgentFrame[]) {
          if (frame.type === 'welcome') writeFrame(socket, { type: 'launch', setup: { workerId: 0, model: forecaster, job: job(6), examples, timeline: false } });
          else if (frame.type === 'message' && frame.message.type === 'endpoint') resolve(frame.message.address);
          else reject(new Error(`unexpected ${JSON.stringify(frame)}`));
        }
      });
      writeFrame(socket, { type: 'hello', version: AGENT_PROTOCOL_VERSION, host });
    });
  } finally {
    socket.destroy();
  }
}

describe('train agent: advertised endpoints', () => {
  it('reports ranks at --advertise, or at the name the driver connected to when listening on every interface', async () => {
    const advertised = await agent({ advertise: 'ranks.example.test' });
    expect(await reportedEndpoint(advertised, '127.0.0.1')).toEqual({ host: 'ranks.example.test', port: expect.any(Number) });
    const wildcard = await agent({ host: '0.0.0.0' });
    const endpoint = await reportedEndpoint(wildcard, 'localhost');
    expect(endpoint.host).toBe('localhost');
    // The rank listens on every interface, as the agent does.
    await new Promise<void>((resolve, reject) => connect(endpoint.port, '127.0.0.1').on('connect', function (this: Socket) {
      this.destroy();
      resolve();
    }).on('error', reject));
    expect(await reportedEndpoint(await agent(), 'whatever.example.test')).toEqual({ host: '127.0.0.1', port: expect.any(Number) });
    await until(() => started.every((s) => s.rankPids().length === 0), 'the ranks of the closed connections to end');
  });
});

describe('hosts launcher', () => {
  it('names the host that cannot be reached, before any training', async () => {
    const a = await agent();
    const port = await deadPort();
    const launcher = hostsRankLauncher([a.address, { host: '127.0.0.1', port }]);
    await expect(launcher.ready()).rejects.toThrow(new RegExp(`cannot use the training agent at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    await launcher.close();
    await expect(runTraining({ model: forecaster, job: job(6), examples, launcher: hostsRankLauncher([a.address, { host: '127.0.0.1', port }]), workers: 2 })).rejects.toThrow(
      new RegExp(`^cannot use the training agent at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
    // The worker placed on the reachable agent did not outlive the failed run.
    await until(() => a.rankPids().length === 0, 'the agent to kill the rank');
  });

  it('kills a rank when the driver terminates it, and every rank when the driver disconnects (no orphans)', async () => {
    const a = await agent();
    const launcher = hostsRankLauncher([a.address]);
    await launcher.ready();
    const exits: number[] = [];
    const events = (id: number) => ({ message: () => undefined, exit: () => void exits.push(id) });
    const setup = (workerId: number) => ({ workerId, model: forecaster, job: job(6), examples, timeline: false });
    const first = launcher.launch(setup(0), events(0));
    launcher.launch(setup(1), events(1));
    await until(() => a.rankPids().length === 2, 'two ranks');
    const pids = a.rankPids();
    await first.terminate();
    expect(exits).toEqual([0]);
    expect(a.rankPids()).toHaveLength(1);
    await launcher.close();
    await until(() => a.rankPids().length === 0, 'the agent to kill the rest');
    await until(() => pids.every((pid) => !alive(pid)), 'the rank processes to end');
  });

  it('when an agent drops mid-run, training finishes with the ranks on the others', async () => {
    const [a, b] = [await agent(), await agent()];
    const notes: string[] = [];
    const reasons: string[] = [];
    let dropped = false;
    let droppedAt = 0;
    let lostAt = 0;
    const result = await runTraining({
      model: forecaster,
      job: job(4, { epochs: 3 }),
      examples,
      launcher: hostsRankLauncher([a.address, b.address], { note: (line) => notes.push(line) }),
      workers: 3,
      onStep: (report) => {
        if (!dropped && report.step >= 6) {
          dropped = true;
          droppedAt = Date.now();
          void b.close();
        }
      },
      onMembership: (event) => {
        reasons.push(event.reason);
        if (event.reason.includes('lost')) lostAt = Date.now();
      },
      // Ranks on the lost agent are reported exited at once; the heartbeat is not what notices them.
      heartbeatTimeoutMs: 30_000,
    });
    expect(dropped).toBe(true);
    expect(lostAt - droppedAt).toBeLessThan(10_000);
    expect(result.state.position.epoch).toBe(3);
    expect(notes.join('\n')).toMatch(new RegExp(`lost the training agent at ${name(b)}`));
    expect(reasons.some((r) => r.includes('lost'))).toBe(true);
    // Worker 1 (on b) was lost; its replacement, worker 3, went to a since b is gone.
    expect(notes.join('\n')).toMatch(new RegExp(`worker 3 goes to ${name(a)} instead of ${name(b)}`));
    expect(result.finalWorkers).toBe(3);
  });

  it('when an agent drops and fewer ranks than --min-workers are left, the run stops naming the minimum', async () => {
    const [a, b] = [await agent(), await agent()];
    let dropped = false;
    let droppedAt = 0;
    const run = runTraining({
      model: forecaster,
      job: job(4, { epochs: 3 }),
      examples,
      launcher: hostsRankLauncher([a.address, b.address]),
      workers: 3,
      minWorkers: 3,
      onStep: (report) => {
        if (!dropped && report.step >= 6) {
          dropped = true;
          droppedAt = Date.now();
          void b.close();
        }
      },
      heartbeatTimeoutMs: 30_000,
    });
    await expect(run).rejects.toThrow(/fewer than the minimum 3/);
    expect(Date.now() - droppedAt).toBeLessThan(10_000);
    await until(() => a.rankPids().length === 0, 'the ranks on the surviving agent to end');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('host lists', () => {
  it('parses HOST:PORT lists and names the bad entry', () => {
    expect(parseHostList('h1:7070, 10.0.0.2:7071,[::1]:7072')).toEqual([
      { host: 'h1', port: 7070 },
      { host: '10.0.0.2', port: 7071 },
      { host: '::1', port: 7072 },
    ]);
    expect(() => parseHostList('h1:7070,h2')).toThrow('--hosts entry 2 "h2" is not HOST:PORT');
    expect(() => parseHostList('h1:7070,h2:99999')).toThrow('--hosts entry 2 "h2:99999" has port 99999, expected 1-65535');
    expect(() => parseHostList('h1:7070,,h3:1')).toThrow('--hosts entry 2 is empty');
    expect(() => parseHostList('h1:0')).toThrow(/port 0/);
  });
});
