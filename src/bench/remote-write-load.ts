import { Agent, request } from 'node:http';
import { WriteRequestEncoder, encodeLabels, snappyLiteralBlock } from './remote-write-encoder.js';
import { SYNTHETIC_STEP_SECONDS, seriesPerConnection, syntheticSeriesHost, syntheticSeriesName, syntheticStartSeconds, syntheticValue } from './synthetic-series.js';

/** Remote write bodies, ready to send, one list per connection. */
export interface RemoteWriteLoad {
  readonly connections: readonly (readonly Buffer[])[];
  readonly samples: number;
  readonly requests: number;
  readonly seriesPerRequest: number;
  readonly series: number;
  /** Bytes on the wire: the snappy bodies, headers left out. */
  readonly wireBytes: number;
  readonly description: string;
}

export const DEFAULT_SERIES_PER_REQUEST = 2_000;
export const REMOTE_WRITE_PATH = '/api/v1/write';

/**
 * The synthetic series and values of the Graphite load (`__name__` is the Graphite name, `host` a
 * label) as Prometheus remote write 1.0 requests: each connection owns a share of the series and sends
 * them in time order, at most `seriesPerRequest` series per request and one sample per series per
 * request, as Prometheus' queue shards do. Every body is built here, before any clock starts.
 */
export function syntheticRemoteWriteLoad(options: { series: number; pointsPerSeries: number; connections: number; seriesPerRequest?: number; nowMs?: number }): RemoteWriteLoad {
  const { series, pointsPerSeries, connections } = options;
  const seriesPerRequest = options.seriesPerRequest ?? DEFAULT_SERIES_PER_REQUEST;
  const startMs = syntheticStartSeconds(pointsPerSeries, options.nowMs ?? Date.now()) * 1000;
  const encoder = new WriteRequestEncoder();
  let requests = 0;
  let wireBytes = 0;
  const bodies = seriesPerConnection(series, connections).map(({ first, count }) => {
    const labels: Buffer[] = [];
    for (let id = first; id < first + count; id++) labels.push(encodeLabels([['__name__', syntheticSeriesName(id)], ['host', syntheticSeriesHost(id)]]));
    const out: Buffer[] = [];
    for (let p = 0; p < pointsPerSeries; p++) {
      const timestampMs = startMs + p * SYNTHETIC_STEP_SECONDS * 1000;
      for (let from = 0; from < count; from += seriesPerRequest) {
        encoder.reset();
        const to = Math.min(count, from + seriesPerRequest);
        for (let s = from; s < to; s++) encoder.addSample(labels[s]!, syntheticValue(first + s, p), timestampMs);
        const body = snappyLiteralBlock(encoder.bytes());
        wireBytes += body.length;
        out.push(body);
      }
    }
    requests += out.length;
    return out;
  });
  return {
    connections: bodies,
    samples: series * pointsPerSeries,
    requests,
    seriesPerRequest,
    series,
    wireBytes,
    description: `${series.toLocaleString('en-US')} synthetic series, up to ${seriesPerRequest.toLocaleString('en-US')} per request`,
  };
}

/**
 * Sends each connection's bodies in order over its own keep-alive HTTP connection to
 * `http://127.0.0.1:<port>/api/v1/write`, one request in flight per connection; resolves when every
 * request is answered 2xx, and throws with the status and body of the first that is not.
 */
export async function sendRemoteWrite(port: number, connections: readonly (readonly Buffer[])[]): Promise<void> {
  await Promise.all(
    connections.map(async (bodies) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (const body of bodies) await post(agent, port, body);
      } finally {
        agent.destroy();
      }
    }),
  );
}

function post(agent: Agent, port: number, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: REMOTE_WRITE_PATH,
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          'Content-Length': body.length,
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          res.resume();
          res.once('end', resolve);
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < 500) text += chunk;
        });
        res.once('end', () => reject(new Error(`cannot send remote write request to port ${port}: HTTP ${status} ${text.slice(0, 500)}`)));
      },
    );
    req.once('error', (err) => reject(new Error(`cannot send remote write request to port ${port}: ${err.message}`)));
    req.end(body);
  });
}
