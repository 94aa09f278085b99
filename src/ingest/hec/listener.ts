// node:http rather than Fastify: HEC bodies are not JSON documents (concatenated envelopes, raw lines),
// come with any Content-Type (splunk-logging sends application/x-www-form-urlencoded), must be gunzipped
// under a limit on the decoded size, and every answer, errors included, must be Splunk's exact JSON.
// Fastify's body parsing, compression and error replies would all have to be bypassed for eight fixed routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HecConfig, HecTokenConfig } from '../../config/index.js';
import type { LogRecord } from '../../model/index.js';
import type { LogSink } from '../log-sink.js';
import { HttpListener } from '../net/http-listener.js';
import { writeLogs } from '../write-logs.js';
import { HecAcks } from './acks.js';
import type { RequestBodyRead } from '../net/request-body.js';
import { readRequestBody } from '../net/request-body.js';
import { readHecChannel } from './channel.js';
import type { HecDefaults } from './event.js';
import { parseHecEvents, parseHecRaw } from './event.js';
import type { HecError, HecResponse } from './status.js';
import { hecErrorResponse, hecResponse } from './status.js';
import { HecTokens, tokenName } from './tokens.js';

/** The `source` label HEC records are written and rejected under. */
export const HEC_SOURCE = 'hec';

const DEFAULT_MAX_IN_FLIGHT_RECORDS = 100_000;
const DEFAULT_MAX_CHANNELS = 100_000;
const DEFAULT_MAX_PENDING_ACKS = 1_000_000;
/** Splunk's sourcetype for HEC events that name none. */
const DEFAULT_SOURCETYPE = 'httpevent';

/** The part of a pino logger the listener uses. Tokens are never passed to it, only their names. */
export interface HecLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface HecListenerOptions {
  readonly config: HecConfig;
  /** Time given to events without their own and used for channel idleness. */
  readonly nowMs: () => number;
  readonly logger?: HecLogger;
  /**
   * Records handed to the sink and not yet durable beyond which data requests are answered "Server is
   * busy" (code 9) and the health endpoint reports full queues (code 18).
   */
  readonly maxInFlightRecords?: number;
  /** Indexer-acknowledgment channels known at once. */
  readonly maxChannels?: number;
  /** Unpolled acknowledgments over all channels. */
  readonly maxPendingAcks?: number;
  /** How long stop() lets requests in progress finish before cutting their connections. */
  readonly stopGraceMs?: number;
}

/** Counters for self-metrics; all but the last three only grow. */
export interface HecStats {
  readonly requests: number;
  /** Records made durable by the sink. */
  readonly events: number;
  /** Requests answered with an error status, or cut off by the sender. */
  readonly errors: number;
  readonly pendingAcks: number;
  readonly channels: number;
  readonly inFlightRecords: number;
}

type Route = 'event' | 'raw' | 'health' | 'ack';

const ROUTES: ReadonlyMap<string, Route> = new Map([
  ['/services/collector', 'event'],
  ['/services/collector/event', 'event'],
  ['/services/collector/event/1.0', 'event'],
  ['/services/collector/raw', 'raw'],
  ['/services/collector/raw/1.0', 'raw'],
  ['/services/collector/health', 'health'],
  ['/services/collector/health/1.0', 'health'],
  ['/services/collector/ack', 'ack'],
]);

/** Answers outside HEC's own codes carry the HTTP status as `code`, as splunkd's REST errors do. */
function httpError(httpStatus: number, text: string): HecResponse {
  return { httpStatus, body: { text, code: httpStatus } };
}

const NOT_FOUND = httpError(404, 'The requested URL was not found on this server.');
const TOO_LARGE = httpError(413, 'Request entity too large');

/** The sender's address without the IPv4-mapped IPv6 prefix, as the default host of its events. */
function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** The ackIds of an ack query body `{"acks":[0,1,...]}`, or null when it is not one. */
function readAckIds(body: Buffer): number[] | null {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !('acks' in value)) return null;
  const acks = value.acks;
  if (!Array.isArray(acks) || !acks.every((ackId) => Number.isSafeInteger(ackId) && (ackId as number) >= 0)) return null;
  return acks as number[];
}

/**
 * Splunk HTTP Event Collector: event and raw endpoints, indexer acknowledgment and health, answering
 * as splunkd does. Without acknowledgment a request is answered Success only once the sink has made
 * its records durable; with it, the ackId turns true only then. Load is bounded by records in flight
 * to the sink, acknowledgments held per channel and over all channels, and the body size limit.
 */
export class HecListener extends HttpListener {
  private readonly tokens: HecTokens;
  private readonly acks: HecAcks;
  private readonly maxInFlightRecords: number;
  private requests = 0;
  private events = 0;
  private errors = 0;

  constructor(
    private readonly options: HecListenerOptions,
    private readonly sink: LogSink,
  ) {
    const { config } = options;
    super({
      protocol: 'hec',
      host: config.host,
      port: config.port,
      stopGraceMs: options.stopGraceMs,
      onError: (error) => options.logger?.warn({ err: error }, 'hec listener error'),
    });
    this.tokens = new HecTokens(config.tokens);
    this.maxInFlightRecords = options.maxInFlightRecords ?? DEFAULT_MAX_IN_FLIGHT_RECORDS;
    this.acks = new HecAcks({
      maxPendingAcksPerChannel: config.maxPendingAcksPerChannel,
      maxPendingAcks: options.maxPendingAcks ?? DEFAULT_MAX_PENDING_ACKS,
      maxChannels: options.maxChannels ?? DEFAULT_MAX_CHANNELS,
      channelIdleMs: config.channelIdleMs,
      nowMs: options.nowMs,
    });
  }

  stats(): HecStats {
    return {
      requests: this.requests,
      events: this.events,
      errors: this.errors,
      pendingAcks: this.acks.pendingAcks,
      channels: this.acks.channelCount,
      inFlightRecords: this.inFlight.value,
    };
  }

  protected override listening(): void {
    const { host } = this.options.config;
    this.options.logger?.info({ host, port: this.address().port, tokens: this.options.config.tokens.map(tokenName) }, 'hec listening');
    if (this.options.config.tokens.length === 0) this.options.logger?.warn({ port: this.address().port }, 'hec has no tokens configured (hec.tokens): every request is refused as "Invalid token"');
  }

  protected handleFailed(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    this.options.logger?.warn({ err: error, url: request.url?.split('?')[0] }, 'cannot handle hec request');
    if (!response.headersSent) this.answer(response, hecResponse('internalError'));
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const url = new URL(request.url ?? '/', 'http://hec.invalid');
    const route = ROUTES.get(url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname);
    if (route === undefined) return this.answer(response, NOT_FOUND);
    const method = route === 'health' ? 'GET' : 'POST';
    if (request.method !== method) {
      response.setHeader('allow', method);
      return this.answer(response, httpError(405, 'Method Not Allowed'));
    }
    if (route === 'health') {
      const busy = this.inFlight.value >= this.maxInFlightRecords;
      return this.answer(response, hecResponse(busy ? 'unhealthyQueuesFull' : 'healthy'));
    }
    const auth = this.tokens.authenticate(request.headers.authorization, url.searchParams.get('token'));
    if (!auth.ok) return this.refuse(response, auth.error);
    const token = auth.token;
    if (route === 'ack' && !token.useAck) return this.refuse(response, { status: 'ackDisabled', cause: `token ${tokenName(token)} does not use acknowledgment` });
    const channelRequired = route !== 'event' || token.useAck;
    const channel = readHecChannel(request.headers['x-splunk-request-channel'], url.searchParams.get('channel'), channelRequired);
    if (!channel.ok) return this.refuse(response, channel.error);
    if (route === 'ack') return this.answerAckQuery(request, response, channel.channel!);
    return this.ingest(route, request, response, url, token, channel.channel);
  }

  private async ingest(route: 'event' | 'raw', request: IncomingMessage, response: ServerResponse, url: URL, token: HecTokenConfig, channel: string | undefined): Promise<void> {
    if (this.inFlight.value >= this.maxInFlightRecords) {
      return this.refuse(response, { status: 'serverBusy', cause: `${this.inFlight.value} records are waiting for the store` });
    }
    if (token.useAck && !this.acks.canReserve(channel!)) {
      return this.refuse(response, { status: 'serverBusy', cause: 'the channel holds as many acknowledgments as allowed' });
    }
    const read = await readRequestBody(request, this.options.config.maxBodyBytes);
    if (!read.ok) return this.refuseBody(response, read);
    const defaults = this.defaultsFor(request, url, token);
    const text = read.body.toString('utf8');
    const { records, error } = route === 'raw' ? parseHecRaw(text, defaults) : parseHecEvents(text, defaults);
    if (error !== undefined) {
      if (error.invalidEventNumber !== undefined) {
        this.sink.reject([{ line: error.invalidEventNumber + 1, reason: 'malformed_line', message: `cannot parse hec event: ${error.cause}` }], HEC_SOURCE);
      }
      // Like splunkd, which reads a body as a stream, the events before the invalid one are kept.
      if (records.length > 0 && !(await this.write(records, token))) return this.refuse(response, { status: 'serverBusy', cause: 'the sink refused the records' });
      return this.refuse(response, error);
    }
    if (token.useAck) {
      const ticket = this.acks.reserve(channel!);
      if (ticket === null) return this.refuse(response, { status: 'serverBusy', cause: 'the channel holds as many acknowledgments as allowed' });
      void this.write(records, token).then((durable) => ticket.settle(durable));
      return this.answer(response, { httpStatus: 200, body: { ...hecResponse('success').body, ackId: ticket.ackId } });
    }
    if (!(await this.write(records, token))) return this.refuse(response, { status: 'serverBusy', cause: 'the sink refused the records' });
    return this.answer(response, hecResponse('success'));
  }

  private async answerAckQuery(request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
    const read = await readRequestBody(request, this.options.config.maxBodyBytes);
    if (!read.ok) return this.refuseBody(response, read);
    const ackIds = readAckIds(read.body);
    if (ackIds === null) return this.refuse(response, { status: 'invalidDataFormat', cause: 'the body is not {"acks":[<ackId>,...]}' });
    this.send(response, 200, { acks: this.acks.query(channel, ackIds) });
  }

  /** Metadata for events that carry none: query parameters over the token's settings over Splunk's defaults. */
  private defaultsFor(request: IncomingMessage, url: URL, token: HecTokenConfig): HecDefaults {
    const query = url.searchParams;
    return {
      receivedAtMs: this.options.nowMs(),
      host: query.get('host') || token.host || clientAddress(request),
      source: query.get('source') || token.source || `http:${tokenName(token)}`,
      sourcetype: query.get('sourcetype') || token.sourcetype || DEFAULT_SOURCETYPE,
      index: query.get('index') || token.index,
    };
  }

  /** Hands records to the sink; true once they are durable, false when the sink refused them. */
  private write(records: readonly LogRecord[], token: HecTokenConfig): Promise<boolean> {
    this.inFlight.add(records.length);
    const written = writeLogs(this.sink, records, HEC_SOURCE);
    const settled = written.then(
      () => {
        this.events += records.length;
        return true;
      },
      (error: unknown) => {
        this.options.logger?.warn({ err: error, token: tokenName(token), records: records.length }, 'cannot write hec records');
        return false;
      },
    );
    void settled.then(() => this.inFlight.settle(records.length));
    return settled;
  }

  private refuseBody(response: ServerResponse, read: Exclude<RequestBodyRead, { ok: true }>): void {
    switch (read.reason) {
      case 'tooLarge':
        // The rest of the body is not worth reading: close the connection once answered.
        response.setHeader('connection', 'close');
        return this.answer(response, TOO_LARGE);
      case 'badGzip':
      case 'unsupportedEncoding':
        return this.refuse(response, { status: 'invalidDataFormat', cause: read.cause });
      case 'aborted':
        this.errors++;
        response.destroy();
    }
  }

  private refuse(response: ServerResponse, error: HecError): void {
    this.answer(response, hecErrorResponse(error));
  }

  private answer(response: ServerResponse, { httpStatus, body }: HecResponse): void {
    if (httpStatus >= 400) this.errors++;
    this.send(response, httpStatus, body);
  }

  private send(response: ServerResponse, httpStatus: number, body: object): void {
    const json = JSON.stringify(body);
    response.writeHead(httpStatus, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(json) });
    response.end(json);
  }
}
