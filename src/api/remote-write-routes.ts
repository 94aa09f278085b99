import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RemoteWriteConfig } from '../config/index.js';
import { RemoteWriteDecoder, RemoteWriteFormatError } from '../ingest/index.js';
import type { Rejection } from '../model/index.js';
import { ApiError } from './errors.js';
import type { PointWriter } from './point-writer.js';

export const REMOTE_WRITE_PATH = '/api/v1/write';
const PROTOCOL = 'remote_write';
const MEDIA_TYPE = 'application/x-protobuf';
/** The `proto` parameter remote write 2.0 senders add; 1.0 is this message, or no parameter at all. */
const PROTO_V1 = 'prometheus.WriteRequest';
const ENCODING = 'snappy';

export interface RemoteWriteDeps {
  /** Stores points durably (resolves once they are) and counts rejections. */
  readonly writer: PointWriter;
  readonly config: RemoteWriteConfig;
  /** Refuses a request without the API token when auth is on, as for the other write routes. */
  readonly requireToken: (request: FastifyRequest) => Promise<void>;
}

/** What the endpoint has seen since it was registered, for self-metrics. */
export interface RemoteWriteStats {
  readonly requests: number;
  /** Requests answered with a 4xx or 5xx status. */
  readonly failedRequests: number;
  /** Samples read from well-formed requests, whatever became of them. */
  readonly samples: number;
  /** Stale markers: Prometheus' "this series ended", neither stored nor rejected. */
  readonly staleMarkers: number;
  /** Native histogram samples, which remote write 1.0 does not define and Vigil skips. */
  readonly histograms: number;
}

/**
 * Prometheus remote write 1.0 at POST /api/v1/write (https://prometheus.io/docs/specs/remote_write_spec/).
 * Status codes follow the spec, so that Prometheus retries exactly what can still succeed:
 * - 204 once every stored point is durable;
 * - 400 for a body that is not a snappy-compressed WriteRequest, and for a request with invalid
 *   samples (labels that cannot name a series, timestamps out of range): the spec lets a receiver
 *   keep the valid samples of such a request, and Vigil does, but it must answer 400 so that the
 *   sender does not retry the rest; the message names the first invalid sample;
 * - 413 when the body declares more than `maxDecodedBytes` uncompressed;
 * - 415 for a Content-Type other than `application/x-protobuf` (or one naming another protobuf
 *   message, as remote write 2.0 senders do; 415 tells them to fall back to 1.0) or a
 *   Content-Encoding other than snappy. Missing headers are taken as 1.0 defaults, as Prometheus'
 *   own receiver does; X-Prometheus-Remote-Write-Version is not checked (any 1.x must be read);
 * - 503 when the store cannot take the points: the sender retries with backoff.
 * NaN and ±Inf values are valid Prometheus samples that Vigil does not store: they are counted as
 * rejected (`nan_value`, `bad_value`) but do not make the answer 400, since Prometheus sends NaN
 * routinely (summaries without observations). Stale markers are dropped and counted in the stats.
 * Every refused body and sample is counted through the writer's `reject`.
 *
 * Registers nothing when remote write is disabled. The route lives in its own encapsulated scope
 * whose only body parser hands over raw bytes, so other routes' parsers are untouched.
 */
export function registerRemoteWriteRoutes(app: FastifyInstance, deps: RemoteWriteDeps): RemoteWriteStats {
  const stats = { requests: 0, failedRequests: 0, samples: 0, staleMarkers: 0, histograms: 0 };
  if (!deps.config.enabled) return stats;
  const { writer } = deps;
  const decoder = new RemoteWriteDecoder({ maxDecodedBytes: deps.config.maxDecodedBytes, seriesIds: writer });
  const bodyLimit = maxSnappyBytes(deps.config.maxDecodedBytes);
  const refuse = (statusCode: number, reason: Rejection['reason'], message: string): ApiError => {
    writer.reject([{ line: 0, reason, message }], PROTOCOL);
    return new ApiError(statusCode, message);
  };

  const write = async (request: FastifyRequest): Promise<void> => {
    const headerProblem = checkHeaders(request);
    if (headerProblem !== null) throw refuse(415, 'malformed_line', headerProblem);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let batch;
    try {
      batch = decoder.decode(body);
    } catch (err) {
      if (!(err instanceof RemoteWriteFormatError)) throw err;
      throw err.problem === 'too_large' ? refuse(413, 'line_too_long', err.message) : refuse(400, 'malformed_line', err.message);
    }
    const { points, rejections, counts } = batch;
    stats.samples += counts.samples;
    stats.staleMarkers += counts.staleMarkers;
    stats.histograms += counts.histograms;
    writer.reject(rejections, PROTOCOL);
    let invalid = counts.invalidSamples;
    let firstInvalid = counts.firstInvalid;
    if (points.length > 0) {
      let result;
      try {
        result = await writer.write(points, PROTOCOL);
      } catch (err) {
        request.log.error({ err }, 'cannot store remote write samples');
        throw new ApiError(503, `cannot store samples: ${(err as Error).message}`);
      }
      // The writer counted these itself. They will never be accepted (e.g. out of retention): a 4xx.
      if (result.rejected.length > 0 && invalid === 0) firstInvalid = `${writer.seriesKey(points.seriesIds[result.rejected[0]!.index]!)}: ${result.rejected[0]!.message}`;
      invalid += result.rejected.length;
    }
    if (invalid > 0) {
      throw new ApiError(400, `cannot write ${invalid} of ${counts.samples} samples (the other samples were stored): ${firstInvalid}`);
    }
  };

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    scope.post(REMOTE_WRITE_PATH, { preHandler: deps.requireToken, bodyLimit }, async (request, reply) => {
      stats.requests++;
      try {
        await write(request);
      } catch (err) {
        stats.failedRequests++;
        throw err;
      }
      return reply.code(204).send();
    });
  });
  return stats;
}

/** Why the request's headers say it is not a remote write 1.0 body, or null when they do not. */
function checkHeaders(request: FastifyRequest): string | null {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && contentType.trim() !== '') {
    const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim());
    if (mediaType!.toLowerCase() !== MEDIA_TYPE) {
      return `cannot read remote write request: Content-Type must be ${MEDIA_TYPE}, got ${JSON.stringify(contentType)}`;
    }
    for (const parameter of parameters) {
      const [name, value] = parameter.split('=').map((part) => part.trim());
      if (name?.toLowerCase() === 'proto' && value !== PROTO_V1) {
        return `cannot read remote write request: only remote write 1.0 (proto=${PROTO_V1}) is supported, got ${JSON.stringify(contentType)}`;
      }
    }
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim() !== '' && encoding.trim().toLowerCase() !== ENCODING) {
    return `cannot read remote write request: Content-Encoding must be ${ENCODING}, got ${JSON.stringify(encoding)}`;
  }
  return null;
}

/** Largest snappy block that decodes to at most `decodedBytes` (snappy's own worst-case bound). */
function maxSnappyBytes(decodedBytes: number): number {
  return 32 + decodedBytes + Math.floor(decodedBytes / 6);
}
