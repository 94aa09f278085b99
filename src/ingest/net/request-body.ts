import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { quoteValue } from '../quote.js';

/** Why a body was not read: too long (sent or decoded), broken gzip, another Content-Encoding, or the sender went away. */
export type RequestBodyRefusal = 'tooLarge' | 'badGzip' | 'unsupportedEncoding' | 'aborted';

export type RequestBodyRead =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: RequestBodyRefusal; readonly cause: string };

/**
 * Reads an HTTP request body (HEC, OTLP/HTTP), gunzipped when `Content-Encoding: gzip`. It stops as
 * soon as the bytes received or the bytes decoded pass maxBodyBytes, so memory per request stays under
 * the limit whatever the sender declares or a gzip bomb expands to. After a refusal the rest of the request is
 * read and dropped, so that the answer still reaches a sender that is writing.
 */
export function readRequestBody(request: IncomingMessage, maxBodyBytes: number): Promise<RequestBodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    let decodedBytes = 0;
    let settled = false;
    const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const gunzip = encoding === 'gzip' ? createGunzip() : null;

    const settle = (result: RequestBodyRead): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const refuse = (reason: RequestBodyRefusal, cause: string): void => {
      if (settled) return;
      chunks.length = 0;
      request.off('data', onData);
      gunzip?.destroy();
      request.resume();
      settle({ ok: false, reason, cause });
    };
    const collect = (chunk: Buffer): void => {
      if (settled) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBodyBytes) refuse('tooLarge', `the body decodes to more than ${maxBodyBytes} bytes`);
      else chunks.push(chunk);
    };
    const finish = (): void => settle({ ok: true, body: Buffer.concat(chunks, decodedBytes) });
    function onData(chunk: Buffer): void {
      receivedBytes += chunk.length;
      if (receivedBytes > maxBodyBytes) {
        refuse('tooLarge', `the body is longer than ${maxBodyBytes} bytes`);
      } else if (gunzip === null) {
        collect(chunk);
      } else if (!gunzip.write(chunk)) {
        // The decoder is behind: let the socket's receive window, not our memory, hold the rest.
        request.pause();
        gunzip.once('drain', () => request.resume());
      }
    }

    if (encoding !== 'identity' && encoding !== 'gzip') {
      refuse('unsupportedEncoding', `Content-Encoding ${quoteValue(encoding)} is neither gzip nor identity`);
      return;
    }
    if (Number(request.headers['content-length']) > maxBodyBytes) {
      refuse('tooLarge', `Content-Length ${request.headers['content-length']} is over the ${maxBodyBytes} byte limit`);
      return;
    }
    if (gunzip !== null) {
      gunzip.on('data', collect);
      gunzip.on('end', finish);
      gunzip.on('error', (error) => refuse('badGzip', `cannot gunzip the body: ${error.message}`));
    }
    request.on('data', onData);
    request.on('end', () => {
      if (settled) return;
      // An empty body is "No data" for the parser, not a broken gzip stream.
      if (gunzip === null || receivedBytes === 0) finish();
      else gunzip.end();
    });
    request.on('error', (error) => refuse('aborted', `cannot read the body: ${error.message}`));
    request.on('close', () => {
      if (!request.complete) refuse('aborted', 'the sender closed the connection before the body ended');
    });
  });
}
