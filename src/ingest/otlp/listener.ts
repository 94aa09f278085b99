// node:http rather than Fastify, as for HEC: one route, bodies that are protobuf or JSON (gzipped or
// not) decoded under a limit on the decoded size, and answers, errors included, that must be OTLP
// messages in the request's own encoding.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OtlpConfig } from '../../config/index.js';
import type { KeyedPoints, Rejection } from '../../model/index.js';
import type { RequestBodyRead } from '../net/request-body.js';
import { readRequestBody } from '../net/request-body.js';
import { HttpListener } from '../net/http-listener.js';
import type { PointSink } from '../sink.js';
import { AttributeTextCache } from './attribute-cache.js';
import { decodeOtlpMetrics } from './decode.js';
import { OtlpDecodeError } from './decode-error.js';
import type { OtlpParsedPoints } from './point-writer.js';
import type { OtlpEncoding } from './response.js';
import { CONTENT_TYPES, encodingOf, exportResponse, statusResponse } from './response.js';

/** The `source` label OTLP/HTTP points are written and rejected under. */
export const OTLP_HTTP_SOURCE = 'otlp_http';

/** The one path OTLP/HTTP exporters send metrics to by default. */
export const OTLP_METRICS_PATH = '/v1/metrics';

const DEFAULT_MAX_IN_FLIGHT_POINTS = 1_000_000;
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** Rejection messages quoted in partialSuccess.errorMessage; the count covers the rest. */
const QUOTED_REJECTIONS = 3;

/** The part of a pino logger the listener uses. */
export interface OtlpLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface OtlpHttpListenerOptions {
  readonly config: OtlpConfig;
  readonly logger?: OtlpLogger;
  /** Points handed to the sink and not yet taken beyond which requests are answered 503 (retryable). */
  readonly maxInFlightPoints?: number;
  /** The Retry-After of a 503. */
  readonly retryAfterSeconds?: number;
  /** How long stop() lets requests in progress finish before cutting their connections. */
  readonly stopGraceMs?: number;
}

/** Counters for self-metrics; all but the last only grow. */
export interface OtlpHttpStats {
  readonly requests: number;
  /** OTLP data points received in decodable requests, rejected or skipped ones included. */
  readonly dataPoints: number;
  readonly rejectedDataPoints: number;
  /** Vigil points taken by the sink (a histogram data point gives several). */
  readonly points: number;
  /** Requests answered with an error status, or cut off by the sender. */
  readonly errors: number;
  readonly inFlightPoints: number;
}

/**
 * OTLP/HTTP metrics receiver: `POST /v1/metrics` with an ExportMetricsServiceRequest in binary protobuf
 * (`application/x-protobuf`) or JSON (`application/json`), optionally `Content-Encoding: gzip`.
 *
 * Answers, as the OTLP specification asks: 200 once the sink has taken the points, with
 * `partialSuccess { rejectedDataPoints, errorMessage }` when some data points were invalid (those are
 * passed to sink.reject, the rest written); 400 for a body that cannot be decoded (nothing written);
 * 413 for a body over maxBodyBytes, before or after gunzip; 415 for another Content-Type or
 * Content-Encoding; 503 with Retry-After when too many points wait for the sink or the sink refuses
 * them (the exporter retries). Error bodies are google.rpc.Status messages in the request's encoding.
 */
export class OtlpHttpListener extends HttpListener {
  private readonly maxInFlightPoints: number;
  private readonly retryAfterSeconds: number;
  private readonly attributeCache = new AttributeTextCache();
  private requests = 0;
  private dataPoints = 0;
  private rejectedDataPoints = 0;
  private points = 0;
  private errors = 0;

  constructor(
    private readonly options: OtlpHttpListenerOptions,
    private readonly sink: PointSink,
  ) {
    super({
      protocol: 'otlp http',
      host: options.config.host,
      port: options.config.port,
      stopGraceMs: options.stopGraceMs,
      onError: (error) => options.logger?.warn({ err: error }, 'otlp http listener error'),
    });
    this.maxInFlightPoints = options.maxInFlightPoints ?? DEFAULT_MAX_IN_FLIGHT_POINTS;
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }

  stats(): OtlpHttpStats {
    return {
      requests: this.requests,
      dataPoints: this.dataPoints,
      rejectedDataPoints: this.rejectedDataPoints,
      points: this.points,
      errors: this.errors,
      inFlightPoints: this.inFlight.value,
    };
  }

  protected override listening(): void {
    this.options.logger?.info({ host: this.options.config.host, port: this.address().port, path: OTLP_METRICS_PATH }, 'otlp http listening');
  }

  protected handleFailed(_request: IncomingMessage, response: ServerResponse, error: unknown): void {
    this.options.logger?.warn({ err: error }, 'cannot handle otlp request');
    if (!response.headersSent) this.fail(response, 'json', 500, 'internal error');
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const contentType = request.headers['content-type'];
    const encoding = encodingOf(contentType);
    const answerEncoding = encoding ?? 'json';
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== OTLP_METRICS_PATH) return this.fail(response, answerEncoding, 404, `cannot find ${path}: OTLP metrics go to POST ${OTLP_METRICS_PATH}`);
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return this.fail(response, answerEncoding, 405, `cannot ${request.method} ${OTLP_METRICS_PATH}: only POST is allowed`);
    }
    if (encoding === null) {
      return this.fail(response, 'json', 415, `cannot read Content-Type ${JSON.stringify(contentType ?? '')}: send ${CONTENT_TYPES.protobuf} or ${CONTENT_TYPES.json}`);
    }
    if (this.inFlight.value >= this.maxInFlightPoints) {
      return this.busy(response, encoding, `cannot take points: ${this.inFlight.value} points are waiting for the store`);
    }
    const read = await readRequestBody(request, this.options.config.maxBodyBytes);
    if (!read.ok) return this.refuseBody(response, encoding, read);
    let parsed: OtlpParsedPoints;
    try {
      parsed = decodeOtlpMetrics(read.body, encoding, this.attributeCache);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      return this.fail(response, encoding, 400, error.message);
    }
    if (parsed.points.length > 0 && !(await this.write(parsed.points))) {
      return this.busy(response, encoding, 'cannot take points: the store refused them');
    }
    // Counted only once the request is answered 200, so that a retried request is not counted twice.
    this.dataPoints += parsed.dataPoints;
    this.rejectedDataPoints += parsed.rejectedDataPoints;
    if (parsed.rejections.length > 0) this.sink.reject(parsed.rejections, OTLP_HTTP_SOURCE);
    this.send(response, encoding, 200, exportResponse(encoding, parsed.rejectedDataPoints, partialSuccessMessage(parsed)));
  }

  /** Hands points to the sink; true once it has taken them, false when it refused them. */
  private async write(points: KeyedPoints): Promise<boolean> {
    this.inFlight.add(points.length);
    try {
      await this.sink.write(points, OTLP_HTTP_SOURCE);
      this.points += points.length;
      return true;
    } catch (error) {
      this.options.logger?.warn({ err: error, points: points.length }, 'cannot write otlp points');
      return false;
    } finally {
      this.inFlight.settle(points.length);
    }
  }

  private refuseBody(response: ServerResponse, encoding: OtlpEncoding, read: Exclude<RequestBodyRead, { ok: true }>): void {
    switch (read.reason) {
      case 'tooLarge':
        // The rest of the body is not worth reading: close the connection once answered.
        response.setHeader('connection', 'close');
        return this.fail(response, encoding, 413, `cannot read the body: ${read.cause}`);
      case 'badGzip':
        return this.fail(response, encoding, 400, read.cause);
      case 'unsupportedEncoding':
        return this.fail(response, encoding, 415, `cannot read the body: ${read.cause}`);
      case 'aborted':
        this.errors++;
        response.destroy();
    }
  }

  private busy(response: ServerResponse, encoding: OtlpEncoding, message: string): void {
    response.setHeader('retry-after', String(this.retryAfterSeconds));
    this.fail(response, encoding, 503, message);
  }

  private fail(response: ServerResponse, encoding: OtlpEncoding, httpStatus: number, message: string): void {
    this.errors++;
    this.send(response, encoding, httpStatus, statusResponse(encoding, message));
  }

  private send(response: ServerResponse, encoding: OtlpEncoding, httpStatus: number, body: Buffer): void {
    // Once stopping, a kept-alive connection would hold stop() until its idle timeout.
    if (this.stopRequested) response.setHeader('connection', 'close');
    response.writeHead(httpStatus, { 'content-type': CONTENT_TYPES[encoding], 'content-length': body.length });
    response.end(body);
  }
}

/** errorMessage of a partial success: the count, then the first few rejections, which name metric and point. */
function partialSuccessMessage(parsed: OtlpParsedPoints): string {
  const { rejections, rejectedDataPoints, dataPoints } = parsed;
  if (rejectedDataPoints === 0) return '';
  const quoted = rejections.slice(0, QUOTED_REJECTIONS).map((rejection: Rejection) => rejection.message);
  const more = rejections.length > QUOTED_REJECTIONS ? `; and ${rejections.length - QUOTED_REJECTIONS} more` : '';
  return `${rejectedDataPoints} of ${dataPoints} data points rejected: ${quoted.join('; ')}${more}`;
}
