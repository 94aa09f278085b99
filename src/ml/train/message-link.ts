import type { DriverMessage, RankMessage } from './protocol.js';
import type { RankLink } from './rank-runner.js';

/** Something that delivers the driver's messages: a worker thread's parentPort or a child process. */
export interface MessageSource {
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** A RankLink over a message channel: messages that arrive before anyone waits are queued, in order. */
export function messageLink(source: MessageSource, send: (message: RankMessage) => void): RankLink {
  const queued: DriverMessage[] = [];
  const waiting: ((message: DriverMessage) => void)[] = [];
  source.on('message', (message) => {
    const next = waiting.shift();
    if (next !== undefined) next(message as DriverMessage);
    else queued.push(message as DriverMessage);
  });
  return {
    send,
    next: () => {
      const message = queued.shift();
      return message !== undefined ? Promise.resolve(message) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
