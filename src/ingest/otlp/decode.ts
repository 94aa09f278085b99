import { AttributeTextCache } from './attribute-cache.js';
import { decodeOtlpJson } from './decode-json.js';
import { decodeOtlpProtobuf } from './decode-protobuf.js';
import type { OtlpParsedPoints } from './point-writer.js';
import type { OtlpEncoding } from './response.js';

/**
 * Decodes an ExportMetricsServiceRequest body in either encoding; throws OtlpDecodeError when it is not
 * one. A caller that decodes many requests keeps one `cache` for all of them.
 */
export function decodeOtlpMetrics(body: Uint8Array, encoding: OtlpEncoding, cache: AttributeTextCache = new AttributeTextCache()): OtlpParsedPoints {
  if (encoding === 'protobuf') return decodeOtlpProtobuf(body, cache);
  return decodeOtlpJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
}
