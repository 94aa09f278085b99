import { Agent, request } from 'node:http';
import { connect } from 'node:net';

interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

function post(agent: Agent, port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(body);
  });
}

/** HEC's "Server is busy" (HTTP 503, code 9): the listener has as many records in flight as it allows. */
function isHecBusy(answer: HttpAnswer): boolean {
  return answer.status === 503 && /"code":\s*9\b/.test(answer.text);
}

const BUSY_RETRY_MS = 20;

export interface HttpSendOutcome {
  /** Requests answered "busy" and sent again. */
  readonly busyRetries: number;
}

/**
 * Sends each connection's bodies one after another, the connections side by side, over keep-alive
 * HTTP; resolves once every body has been answered with 200, sending a body again after a short wait
 * while `busy` says the server is. `check` reads a 200 answer and throws when it does not account for the
 * whole body.
 */
async function sendBodies(port: number, path: string, headers: Record<string, string>, connections: readonly (readonly Buffer[])[], check: (answer: HttpAnswer, body: Buffer) => void, busy: (answer: HttpAnswer) => boolean): Promise<HttpSendOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections.length });
  let busyRetries = 0;
  try {
    await Promise.all(
      connections.map(async (bodies) => {
        for (const body of bodies) {
          for (;;) {
            const answer = await post(agent, port, path, headers, body);
            if (busy(answer)) {
              busyRetries++;
              await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
              continue;
            }
            if (answer.status !== 200) throw new Error(`cannot send to ${path}: HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
            check(answer, body);
            break;
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { busyRetries };
}

/** POSTs concatenated HEC envelopes to /services/collector/event; a 200 answer means the events are durable. */
export function sendHec(port: number, token: string, connections: readonly (readonly Buffer[])[]): Promise<HttpSendOutcome> {
  const check = (answer: HttpAnswer): void => {
    if (!/"code":\s*0\b/.test(answer.text)) throw new Error(`cannot send to hec: unexpected answer ${answer.text.slice(0, 300)}`);
  };
  return sendBodies(port, '/services/collector/event', { authorization: `Splunk ${token}`, 'content-type': 'application/json' }, connections, check, isHecBusy);
}

function countLines(body: Buffer): number {
  let lines = 0;
  for (let i = body.indexOf(0x0a); i !== -1; i = body.indexOf(0x0a, i + 1)) lines++;
  return lines;
}

/** POSTs JSON lines to /api/v1/logs; the answer comes once they are durable, and must accept every line. */
export function sendApiLogs(port: number, connections: readonly (readonly Buffer[])[]): Promise<HttpSendOutcome> {
  const check = (answer: HttpAnswer, body: Buffer): void => {
    const parsed = JSON.parse(answer.text) as { accepted?: unknown; rejected?: unknown };
    const lines = countLines(body);
    if (parsed.accepted !== lines) throw new Error(`cannot send to /api/v1/logs: ${String(parsed.accepted)} of ${lines} lines accepted; rejected: ${JSON.stringify(parsed.rejected).slice(0, 300)}`);
  };
  return sendBodies(port, '/api/v1/logs', { 'content-type': 'application/x-ndjson' }, connections, check, () => false);
}

/** Writes each connection's stream over its own TCP connection, honouring back-pressure, and closes it. */
export async function sendSyslogTcp(port: number, connections: readonly (readonly Buffer[])[]): Promise<void> {
  await Promise.all(
    connections.map(async (chunks) => {
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      for (const chunk of chunks) {
        if (!socket.write(chunk)) await new Promise<void>((resolve) => socket.once('drain', resolve));
      }
      await new Promise<void>((resolve) => socket.end(resolve));
    }),
  );
}
