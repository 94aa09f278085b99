import { formatHostPort, parseHostPort, startTrainAgent, type TrainAgent } from '../ml/train/index.js';
import { readTokenFile } from './train-hosts.js';

export interface TrainAgentFlags {
  readonly listen: string;
  readonly advertise?: string;
  readonly tokenFile?: string;
  readonly maxFrameBytes?: number;
}

export interface TrainAgentControl {
  /** Stops the agent as SIGINT or SIGTERM do. */
  readonly signal?: AbortSignal;
  /** Called once it listens (tests: the port when asked for port 0). */
  readonly onListening?: (agent: TrainAgent) => void;
}

const say = (line: string): void => {
  process.stderr.write(`vigil train-agent: ${line}\n`);
};

/**
 * `vigil train-agent`: runs the ranks that `vigil train --hosts` places on this machine until Ctrl-C or SIGTERM,
 * which stop it and every rank it runs.
 */
export async function trainAgentCommand(flags: TrainAgentFlags, control: TrainAgentControl = {}): Promise<number> {
  const listen = (() => {
    try {
      return parseHostPort(flags.listen, '--listen', true);
    } catch (err) {
      throw new Error(`cannot start the training agent: ${err instanceof Error ? err.message : String(err)}`);
    }
  })();
  if (flags.advertise !== undefined && flags.advertise.trim() === '') throw new Error('cannot start the training agent: --advertise is empty');
  if (flags.maxFrameBytes !== undefined && flags.maxFrameBytes > 0xffff_ffff) throw new Error(`cannot start the training agent: --max-frame-bytes ${flags.maxFrameBytes} is over the 4 GiB the frame's length field can say`);
  const token = flags.tokenFile === undefined ? undefined : await readTokenFile(flags.tokenFile, '--token-file', (line) => say(`warning: ${line}`));
  const agent = await startTrainAgent({
    host: listen.host,
    port: listen.port,
    ...(flags.advertise === undefined ? {} : { advertise: flags.advertise.trim() }),
    ...(token === undefined ? {} : { token }),
    ...(flags.maxFrameBytes === undefined ? {} : { maxFrameBytes: flags.maxFrameBytes }),
    log: say,
  });
  const advertised = flags.advertise ?? (['0.0.0.0', '::'].includes(listen.host) ? 'the host name each driver connects to' : listen.host);
  say(`listening on ${formatHostPort(agent.address)}${token === undefined ? ' (no token: any driver that reaches this port can start ranks here)' : ', drivers must present the token'}; ranks are advertised at ${advertised}`);
  control.onListening?.(agent);
  let stop!: (why: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const onSignal = (signal: NodeJS.Signals): void => stop(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onAbort = (): void => stop('asked to');
  control.signal?.addEventListener('abort', onAbort, { once: true });
  if (control.signal?.aborted === true) stop('asked to');
  try {
    const why = await stopped;
    say(`stopping (${why}): killing ${agent.rankPids().length} rank(s)`);
    await agent.close();
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    control.signal?.removeEventListener('abort', onAbort);
  }
}
