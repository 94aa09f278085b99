/**
 * A small Prometheus remote write 1.0 encoder for the ingest benchmark: `prometheus.WriteRequest`
 * protobuf written by hand, and the snappy block format with literals only (valid snappy that any
 * decoder reads; it just does not compress). protobufjs and snappyjs are not runtime dependencies.
 */

// Field tags (field number << 3 | wire type) of prometheus.WriteRequest and its messages.
const WRITE_REQUEST_TIMESERIES = 0x0a; // 1, length-delimited
const TIMESERIES_LABEL = 0x0a; // 1, length-delimited
const TIMESERIES_SAMPLE = 0x12; // 2, length-delimited
const LABEL_NAME = 0x0a; // 1, length-delimited
const LABEL_VALUE = 0x12; // 2, length-delimited
const SAMPLE_VALUE = 0x09; // 1, fixed64 double
const SAMPLE_TIMESTAMP = 0x10; // 2, varint int64

const TWO_POW_7 = 128;
/** Snappy's own compressor emits literals of at most 64 KiB; so does this one, to suit strict decoders. */
const MAX_LITERAL_BYTES = 65_536;
/** Literals up to this long carry their length-1 in the tag byte; longer ones in the 2 bytes after it (tag 61). */
const MAX_SHORT_LITERAL_BYTES = 60;
const LITERAL_TWO_BYTE_LENGTH = 61 << 2;
const INITIAL_BYTES = 64 * 1024;

/** Bytes of `n` (a non-negative safe integer) as a protobuf varint. */
function varintBytes(n: number): number {
  let bytes = 1;
  for (let rest = n; rest >= TWO_POW_7; rest = Math.floor(rest / TWO_POW_7)) bytes++;
  return bytes;
}

/** Writes `n` (a non-negative safe integer, which may exceed 32 bits) as a varint at `pos`; returns the end. */
function writeVarint(buf: Buffer, pos: number, n: number): number {
  let rest = n;
  while (rest >= TWO_POW_7) {
    buf[pos++] = (rest % TWO_POW_7) | TWO_POW_7;
    rest = Math.floor(rest / TWO_POW_7);
  }
  buf[pos++] = rest;
  return pos;
}

/**
 * The Label fields of one TimeSeries, encoded once per series and copied into every request that
 * carries it. Pairs are written in the order given (Prometheus sorts them by name; receivers must
 * not rely on it).
 */
export function encodeLabels(labels: readonly (readonly [string, string])[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of labels) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const labelLength = 1 + varintBytes(nameBytes.length) + nameBytes.length + 1 + varintBytes(valueBytes.length) + valueBytes.length;
    const field = Buffer.alloc(1 + varintBytes(labelLength) + labelLength);
    let pos = 0;
    field[pos++] = TIMESERIES_LABEL;
    pos = writeVarint(field, pos, labelLength);
    field[pos++] = LABEL_NAME;
    pos = writeVarint(field, pos, nameBytes.length);
    pos += nameBytes.copy(field, pos);
    field[pos++] = LABEL_VALUE;
    pos = writeVarint(field, pos, valueBytes.length);
    valueBytes.copy(field, pos);
    parts.push(field);
  }
  return Buffer.concat(parts);
}

/**
 * Builds one WriteRequest at a time in a reused buffer: one TimeSeries per `addSample`, holding the
 * series' pre-encoded labels and one sample. Timestamps are whole milliseconds from 1970 on.
 */
export class WriteRequestEncoder {
  private buf = Buffer.alloc(INITIAL_BYTES);
  private pos = 0;

  /** Starts a new, empty WriteRequest. */
  reset(): void {
    this.pos = 0;
  }

  addSample(labels: Buffer, value: number, timestampMs: number): void {
    if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) throw new Error(`cannot encode sample: timestampMs must be a non-negative integer, got ${timestampMs}`);
    const sampleLength = 1 + 8 + 1 + varintBytes(timestampMs);
    const seriesLength = labels.length + 1 + varintBytes(sampleLength) + sampleLength;
    this.reserve(1 + varintBytes(seriesLength) + seriesLength);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = WRITE_REQUEST_TIMESERIES;
    pos = writeVarint(buf, pos, seriesLength);
    pos += labels.copy(buf, pos);
    buf[pos++] = TIMESERIES_SAMPLE;
    pos = writeVarint(buf, pos, sampleLength);
    buf[pos++] = SAMPLE_VALUE;
    buf.writeDoubleLE(value, pos);
    pos += 8;
    buf[pos++] = SAMPLE_TIMESTAMP;
    this.pos = writeVarint(buf, pos, timestampMs);
  }

  /** The WriteRequest so far; a view of the reused buffer, valid until the next reset or addSample. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/** `data` in the snappy block format (as remote write bodies are), as literals of at most 64 KiB each. */
export function snappyLiteralBlock(data: Uint8Array): Buffer {
  const chunks = Math.ceil(data.length / MAX_LITERAL_BYTES);
  const out = Buffer.allocUnsafe(varintBytes(data.length) + chunks * 3 + data.length);
  let pos = writeVarint(out, 0, data.length);
  for (let start = 0; start < data.length; start += MAX_LITERAL_BYTES) {
    const length = Math.min(MAX_LITERAL_BYTES, data.length - start);
    if (length <= MAX_SHORT_LITERAL_BYTES) {
      out[pos++] = (length - 1) << 2;
    } else {
      out[pos++] = LITERAL_TWO_BYTE_LENGTH;
      out.writeUInt16LE(length - 1, pos);
      pos += 2;
    }
    out.set(data.subarray(start, start + length), pos);
    pos += length;
  }
  return out.subarray(0, pos);
}
