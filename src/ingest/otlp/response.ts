/** The two OTLP/HTTP encodings; a response uses the request's. */
export type OtlpEncoding = 'json' | 'protobuf';

export const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};

/** The encoding a Content-Type header names (parameters such as charset ignored), or null for any other. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === CONTENT_TYPES.json) return 'json';
  if (mediaType === CONTENT_TYPES.protobuf) return 'protobuf';
  return null;
}

/**
 * ExportMetricsServiceResponse: empty on full success; with `partial_success { rejected_data_points = 1;
 * error_message = 2; }` (field 1) when points were rejected. JSON writes the int64 as a decimal string,
 * as the protobuf JSON mapping does.
 */
export function exportResponse(encoding: OtlpEncoding, rejectedDataPoints: number, errorMessage: string): Buffer {
  if (encoding === 'json') {
    const body = rejectedDataPoints === 0 ? {} : { partialSuccess: { rejectedDataPoints: String(rejectedDataPoints), errorMessage } };
    return Buffer.from(JSON.stringify(body));
  }
  if (rejectedDataPoints === 0) return Buffer.alloc(0);
  const partialSuccess = Buffer.concat([varintField(1, rejectedDataPoints), bytesField(2, Buffer.from(errorMessage))]);
  return bytesField(1, partialSuccess);
}

/** google.rpc.Status with only `message` (field 2): OTLP clients do not act on `code`, so it is left out. */
export function statusResponse(encoding: OtlpEncoding, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ message }));
  return bytesField(2, Buffer.from(message));
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint(field << 3), varint(value)]);
}

function bytesField(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}
