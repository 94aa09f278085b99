import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';

/**
 * A request's parameters as graphite-web reads them: the query string, then a form-encoded or JSON
 * body, each name possibly repeated (`target=a&target=b`). `get` gives the last value, so a body
 * value overrides the query string's, as in graphite-web (GET updated with POST).
 */
export class RequestParams {
  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static of(request: FastifyRequest): RequestParams {
    const values = new Map<string, string[]>();
    const add = (name: string, value: string): void => {
      const list = values.get(name);
      if (list === undefined) values.set(name, [value]);
      else list.push(value);
    };
    const q = request.url.indexOf('?');
    if (q >= 0) for (const [name, value] of new URLSearchParams(request.url.slice(q + 1))) add(name, value);
    const body: unknown = request.body;
    if (typeof body === 'string') {
      for (const [name, value] of new URLSearchParams(body)) add(name, value);
    } else if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      for (const [name, value] of Object.entries(body)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') add(name, String(item));
          else throw badRequest(`cannot read body: field ${JSON.stringify(name)} must be a string, number, boolean or a list of them`, name);
        }
      }
    } else if (body !== undefined && body !== null) {
      throw badRequest('cannot read body: expected a form-encoded body or a JSON object of parameters');
    }
    return new RequestParams(values);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): string | undefined {
    const list = this.values.get(name);
    return list === undefined ? undefined : list[list.length - 1];
  }

  /** Every value of `name`, or of `name[]` (the jQuery/PHP form) when there is none. */
  getAll(name: string): readonly string[] {
    return this.values.get(name) ?? this.values.get(`${name}[]`) ?? [];
  }

  /** A 0/1 flag (`leavesOnly=1`); anything but an integer other than 0 is off. */
  flag(name: string): boolean {
    const value = this.get(name);
    return value !== undefined && /^-?\d+$/.test(value.trim()) && Number(value) !== 0;
  }

  /** A positive integer parameter, or `fallback` when absent; 400 naming it otherwise. */
  positiveInteger(name: string, fallback: number): number {
    const value = this.get(name);
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value) || Number(value) <= 0) throw badRequest(`cannot read ${name}: expected a positive integer, got ${JSON.stringify(value)}`, name);
    return Number(value);
  }
}

const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]*$/;

/**
 * Sends a JSON body as graphite-web does: indented with `pretty` (any value but 0 or false), wrapped
 * as `callback(...)` with `jsonp` (a JavaScript identifier path, else 400).
 */
export function sendJson(reply: FastifyReply, params: RequestParams, body: string | Buffer): FastifyReply {
  const jsonp = params.get('jsonp');
  void reply.header('cache-control', 'no-cache');
  if (jsonp !== undefined && jsonp !== '') {
    if (!JSONP_CALLBACK.test(jsonp)) throw badRequest(`cannot answer jsonp: callback ${JSON.stringify(jsonp)} is not a JavaScript identifier`, 'jsonp');
    return reply.header('content-type', 'text/javascript; charset=utf-8').send(Buffer.concat([Buffer.from(`${jsonp}(`), Buffer.from(body), Buffer.from(')')]));
  }
  return reply.header('content-type', 'application/json; charset=utf-8').send(body);
}

/** JSON text of a value, indented when the request asks for `pretty` output. */
export function jsonText(params: RequestParams, value: unknown, replacer?: (key: string, value: unknown) => unknown): string {
  const pretty = params.get('pretty');
  const indent = pretty !== undefined && pretty !== '0' && pretty.toLowerCase() !== 'false';
  return JSON.stringify(value, replacer, indent ? 2 : undefined);
}
