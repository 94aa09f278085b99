import { VigilServer } from '../server/index.js';
import { configFromFlags, type ServerFlags } from './config-flags.js';

/** Runs the server until SIGINT or SIGTERM, then stops it gracefully; a second signal exits at once. */
export async function serveCommand(flags: ServerFlags): Promise<void> {
  const server = new VigilServer(configFromFlags(flags));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      server.logger.warn({ signal }, 'second signal: exiting without a graceful stop');
      process.exit(130);
    }
    stopping = true;
    server.logger.info({ signal }, 'stopping: flushing queued points, detector state and alerts');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, 'cannot stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw new Error(`cannot start server: ${(err as Error).message}`);
  }
}
