export type { OtlpHttpListenerOptions, OtlpHttpStats, OtlpLogger } from './listener.js';
export { OtlpHttpListener, OTLP_HTTP_SOURCE, OTLP_METRICS_PATH } from './listener.js';
export type { OtlpParsedPoints } from './point-writer.js';
export type { OtlpEncoding } from './response.js';
export { decodeOtlpMetrics } from './decode.js';
export { decodeOtlpJson } from './decode-json.js';
export { decodeOtlpProtobuf } from './decode-protobuf.js';
export { OtlpDecodeError } from './decode-error.js';
export { AttributeTextCache } from './attribute-cache.js';
