import { decodeOtlpJson } from './decode-json.js';
import { decodeOtlpProtobuf } from './decode-protobuf.js';
import type { OtlpParsedPoints } from './point-writer.js';
import type { OtlpEncoding } from './response.js';

/** Decodes an ExportMetricsServiceRequest body in either encoding; throws OtlpDecodeError when it is not one. */
export function decodeOtlpMetrics(body: Uint8Array, encoding: OtlpEncoding): OtlpParsedPoints {
  if (encoding === 'protobuf') return decodeOtlpProtobuf(body);
  return decodeOtlpJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
}
