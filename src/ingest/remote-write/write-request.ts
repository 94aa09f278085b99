import { INVALID_SERIES_ID, type PointBatchBuilder, type RejectReason, type Rejection } from '../../model/index.js';
import type { SeriesIdCache } from '../series-id-cache.js';
import type { SeriesIds } from '../sink.js';
import { RemoteWriteFormatError } from './format-error.js';
import { hashLabelBytes } from './label-hash.js';
import { SPAN_INTS, formatLabels, labelsSeriesKey } from './labels.js';

// Field tags (field number << 3 | wire type) of prometheus.WriteRequest and its messages.
const WRITE_REQUEST_TIMESERIES = 0x0a; // 1, length-delimited
const TIMESERIES_LABEL = 0x0a; // 1, length-delimited
const TIMESERIES_SAMPLE = 0x12; // 2, length-delimited
const TIMESERIES_HISTOGRAM = 0x22; // 4, length-delimited (native histograms, not in remote write 1.0)
const LABEL_NAME = 0x0a; // 1, length-delimited
const LABEL_VALUE = 0x12; // 2, length-delimited
const SAMPLE_VALUE = 0x09; // 1, fixed64 double
const SAMPLE_TIMESTAMP = 0x10; // 2, varint int64

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

/** High and low words of the NaN that Prometheus uses as a stale marker (0x7ff0000000000002). */
const STALE_HIGH_WORD = 0x7ff00000;
const STALE_LOW_WORD = 0x00000002;
/** Largest time a JavaScript Date can hold; the same bound the Graphite parser applies. */
const MAX_TIMESTAMP_MS = 8.64e15;
const TWO_POW_32 = 4294967296;
const INITIAL_LABELS = 32;
/** What the decoder points at between calls, so that it holds no body alive. */
const NO_BYTES = Buffer.alloc(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));

/** What one WriteRequest held, beyond the points and rejections it produced. */
export interface WriteRequestCounts {
  /** TimeSeries messages read. */
  readonly timeseries: number;
  /** Samples read, whatever became of them. */
  readonly samples: number;
  /** Stale markers: not stored, not rejected (Prometheus' "this series ended"). */
  readonly staleMarkers: number;
  /** Native histogram samples, which Vigil does not store; skipped like unknown fields. */
  readonly histograms: number;
  /**
   * Rejected samples that make the request invalid in the sense of the remote write spec (bad
   * labels, timestamps out of range), as opposed to valid values Vigil does not store (NaN, ±Inf).
   */
  readonly invalidSamples: number;
  /** Message of the first invalid sample, or '' when there is none. */
  readonly firstInvalid: string;
}

type Counts = { -readonly [K in keyof WriteRequestCounts]: WriteRequestCounts[K] };

/**
 * Decoder of an uncompressed `prometheus.WriteRequest` (remote write 1.0) straight into a
 * PointBatchBuilder: no object per label or sample. The series id of a TimeSeries is looked up in a
 * cache by the raw bytes of its labels, so a series seen before costs a byte compare (and a hash when
 * it is not the series that came next last time); a new one is validated, its key built once and
 * resolved through `seriesIds` when its first sample is kept. Unknown fields are skipped (the format
 * may grow).
 *
 * A body that is not a well-formed WriteRequest throws RemoteWriteFormatError and adds nothing to
 * `out` (series its well-formed TimeSeries named before the fault may have been created). Otherwise every sample becomes a point, a stale marker (counted), or a rejection with the
 * 1-based index of its TimeSeries as its line:
 * - `bad_series`: the labels cannot name a Vigil series (see labelsSeriesKey), for each sample;
 * - `bad_timestamp`: before 1970 or beyond what a Date holds;
 * - `nan_value` / `bad_value`: NaN or ±Inf, which Vigil does not store.
 */
export class WriteRequestDecoder {
  private buf: Buffer = NO_BYTES;
  private view: DataView = NO_VIEW;
  private pos = 0;
  private spans = new Int32Array(INITIAL_LABELS * SPAN_INTS);
  private labelCount = 0;
  // Where the reader is, for error messages only (built when one is thrown): 1-based, 0 for "not inside".
  private seriesNumber = 0;
  private labelNumber = 0;
  private sampleNumber = 0;
  // The TimeSeries being read: its key, and its id once resolved (-1 until its first kept sample).
  private seriesKey = '';
  private seriesId = -1;
  private seriesStart = 0;
  private labelsStart = -1;
  private labelsEnd = -1;
  private labelsHash = 0;
  private cacheable = false;

  constructor(
    private readonly seriesIds: SeriesIds,
    private readonly ids: SeriesIdCache,
  ) {}

  decode(buf: Buffer, out: PointBatchBuilder, rejections: Rejection[]): WriteRequestCounts {
    const counts: Counts = { timeseries: 0, samples: 0, staleMarkers: 0, histograms: 0, invalidSamples: 0, firstInvalid: '' };
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    const start = out.length;
    const firstRejection = rejections.length;
    try {
      const end = buf.length;
      while (this.pos < end) {
        this.seriesNumber = 0;
        const tag = this.varint32(end);
        if (tag === WRITE_REQUEST_TIMESERIES) {
          this.seriesNumber = counts.timeseries + 1;
          const seriesEnd = this.lengthEnd(end);
          counts.timeseries++;
          this.timeSeries(seriesEnd, counts, out, rejections);
          this.pos = seriesEnd;
        } else {
          this.skip(tag, end);
        }
      }
    } catch (err) {
      // All or nothing: a body that is not a WriteRequest cannot be trusted in part.
      out.length = start;
      rejections.length = firstRejection;
      throw err;
    } finally {
      this.buf = NO_BYTES;
      this.view = NO_VIEW;
    }
    return counts;
  }

  private timeSeries(end: number, counts: Counts, out: PointBatchBuilder, rejections: Rejection[]): void {
    const index = this.seriesNumber;
    const buf = this.buf;
    const seriesStart = this.pos;
    this.labelNumber = 0;
    this.sampleNumber = 0;
    let labelsStart = -1;
    let labelsEnd = -1;
    let contiguous = true;
    let restStart = -1;
    let sampleCount = 0;
    // First pass: where the labels are (they are parsed only for a series not in the cache) and how
    // many samples there are, whatever the order of the fields.
    while (this.pos < end) {
      const fieldStart = this.pos;
      const tag = this.varint32(end);
      if (tag === TIMESERIES_LABEL) {
        this.pos = this.lengthEnd(end);
        if (labelsStart < 0) labelsStart = fieldStart;
        else if (labelsEnd !== fieldStart) contiguous = false;
        labelsEnd = this.pos;
        continue;
      }
      if (restStart < 0) restStart = fieldStart;
      if (tag === TIMESERIES_SAMPLE) sampleCount++;
      this.skip(tag, end);
    }
    if (restStart < 0) return;

    this.seriesStart = seriesStart;
    this.labelsStart = labelsStart;
    this.labelsEnd = labelsEnd;
    this.cacheable = contiguous && labelsStart >= 0;
    this.seriesKey = '';
    this.seriesId = -1;
    if (this.cacheable) {
      this.seriesId = this.ids.getNext(buf, labelsStart, labelsEnd);
      if (this.seriesId === -1) {
        this.labelsHash = hashLabelBytes(this.view, buf, labelsStart, labelsEnd);
        this.seriesId = this.ids.get(buf, labelsStart, labelsEnd, this.labelsHash);
      }
    }
    let named = true;
    if (this.seriesId === -1 && sampleCount > 0) {
      const result = this.keyOfLabels(end);
      if (!result.ok) {
        const message = `timeseries ${index}: series ${formatLabels(buf, this.spans, this.labelCount)} is invalid: ${result.cause}`;
        counts.samples += sampleCount;
        this.invalid(counts, rejections, index, 'bad_series', message, sampleCount);
        named = false;
      } else {
        this.seriesKey = result.key;
      }
    }
    this.pos = restStart;
    this.readRest(end, counts, out, rejections, named);
  }

  /** Parses the labels of the TimeSeries being read into its series key (or why it cannot have one). */
  private keyOfLabels(end: number): ReturnType<typeof labelsSeriesKey> {
    const pos = this.pos;
    this.pos = this.seriesStart;
    this.readLabels(end);
    this.pos = pos;
    return labelsSeriesKey(this.buf, this.spans, this.labelCount);
  }

  /** The id of the TimeSeries being read, resolved (and cached) at its first kept sample; INVALID_SERIES_ID if the store refuses it. */
  private resolvedSeriesId(): number {
    if (this.seriesId !== -1) return this.seriesId;
    const id = this.seriesIds.seriesId(this.seriesKey);
    // A cacheable series reaches here only after `get` missed, which computed labelsHash.
    if (id !== INVALID_SERIES_ID && this.cacheable) this.ids.set(this.buf, this.labelsStart, this.labelsEnd, this.labelsHash, id);
    this.seriesId = id;
    return id;
  }

  /** The key of a series found in the cache, for a message: its labels were valid when it was cached. */
  private cachedSeriesKey(seriesEnd: number): string {
    const result = this.keyOfLabels(seriesEnd);
    return result.ok ? result.key : formatLabels(this.buf, this.spans, this.labelCount);
  }

  /** Parses every Label of the TimeSeries from `pos` to `end` into `spans`. */
  private readLabels(end: number): void {
    this.labelCount = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === TIMESERIES_LABEL) {
        this.labelNumber = this.labelCount + 1;
        this.label(this.lengthEnd(end));
        this.labelNumber = 0;
      } else {
        this.skip(tag, end);
      }
    }
  }

  /** Second pass: samples (each a point, unless the series has no valid name) and native histograms (counted). */
  private readRest(end: number, counts: Counts, out: PointBatchBuilder, rejections: Rejection[], named: boolean): void {
    let sampleNumber = 0;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === TIMESERIES_SAMPLE && named) {
        this.sampleNumber = ++sampleNumber;
        const sampleEnd = this.lengthEnd(end);
        this.sample(sampleEnd, end, counts, out, rejections);
        this.pos = sampleEnd;
        this.sampleNumber = 0;
      } else {
        if (tag === TIMESERIES_HISTOGRAM) counts.histograms++;
        this.skip(tag, end);
      }
    }
  }

  /** Records the name and value spans of one Label message ending at `end`. */
  private label(end: number): void {
    if ((this.labelCount + 1) * SPAN_INTS > this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const at = this.labelCount * SPAN_INTS;
    const spans = this.spans;
    spans[at] = spans[at + 1] = spans[at + 2] = spans[at + 3] = this.pos;
    while (this.pos < end) {
      const tag = this.varint32(end);
      if (tag === LABEL_NAME || tag === LABEL_VALUE) {
        const fieldEnd = this.lengthEnd(end);
        const offset = tag === LABEL_NAME ? 0 : 2;
        spans[at + offset] = this.pos;
        spans[at + offset + 1] = fieldEnd;
        this.pos = fieldEnd;
      } else {
        this.skip(tag, end);
      }
    }
    this.labelCount++;
  }

  private sample(end: number, seriesEnd: number, counts: Counts, out: PointBatchBuilder, rejections: Rejection[]): void {
    counts.samples++;
    const buf = this.buf;
    let value = 0;
    let timestampMs = 0;
    let stale = false;
    // Proto3 leaves out zero fields, and the order is not guaranteed: read whatever fields are there.
    while (this.pos < end) {
      const tag = buf[this.pos]!;
      if (tag === SAMPLE_VALUE && this.pos + 9 <= end) {
        value = this.view.getFloat64(this.pos + 1, true);
        stale = value !== value && this.view.getUint32(this.pos + 5, true) === STALE_HIGH_WORD && this.view.getUint32(this.pos + 1, true) === STALE_LOW_WORD;
        this.pos += 9;
      } else if (tag === SAMPLE_TIMESTAMP) {
        this.pos++;
        timestampMs = this.varint64(end);
      } else {
        this.skip(this.varint32(end), end);
      }
    }
    if (stale) {
      counts.staleMarkers++;
      return;
    }
    if (!(timestampMs >= 0 && timestampMs <= MAX_TIMESTAMP_MS)) {
      const message = `${this.where()}: timestamp ${timestampMs} ms is outside 0..${MAX_TIMESTAMP_MS} (1970 to the year 275760)`;
      this.invalid(counts, rejections, this.seriesNumber, 'bad_timestamp', message, 1);
      return;
    }
    if (value - value !== 0) {
      // NaN and ±Inf are valid Prometheus values that Vigil does not store: counted, not invalid.
      const nan = value !== value;
      const series = this.seriesKey !== '' ? this.seriesKey : this.cachedSeriesKey(seriesEnd);
      rejections.push({ line: this.seriesNumber, reason: nan ? 'nan_value' : 'bad_value', message: `${this.where()}: value ${nan ? 'NaN' : value} is not stored (${series})` });
      return;
    }
    const seriesId = this.resolvedSeriesId();
    if (seriesId === INVALID_SERIES_ID) {
      this.invalid(counts, rejections, this.seriesNumber, 'bad_series', `${this.where()}: series ${this.seriesKey} cannot be stored: the store refused its key`, 1);
      return;
    }
    out.push(seriesId, timestampMs, value);
  }

  private invalid(counts: Counts, rejections: Rejection[], index: number, reason: RejectReason, message: string, samples: number): void {
    if (counts.invalidSamples === 0) counts.firstInvalid = message;
    counts.invalidSamples += samples;
    for (let i = 0; i < samples; i++) rejections.push({ line: index, reason, message });
  }

  /** Where the reader is, as messages name it: `WriteRequest`, `timeseries 3`, `timeseries 3 label 2`, `timeseries 3 sample 1`. */
  private where(): string {
    if (this.seriesNumber === 0) return 'WriteRequest';
    if (this.labelNumber > 0) return `timeseries ${this.seriesNumber} label ${this.labelNumber}`;
    if (this.sampleNumber > 0) return `timeseries ${this.seriesNumber} sample ${this.sampleNumber}`;
    return `timeseries ${this.seriesNumber}`;
  }

  /** Reads a length prefix at `pos` and returns where the field ends, checked against `end`. */
  private lengthEnd(end: number): number {
    const length = this.varint32(end);
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) throw malformed(`${this.where()} is cut off: ${length} bytes from byte ${this.pos} run past byte ${end}`);
    return fieldEnd;
  }

  /** A varint of at most 32 bits (tags, lengths). */
  private varint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < end && buf[pos]! < 0x80) {
      this.pos = pos + 1;
      return buf[pos]!;
    }
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) throw malformed(`${this.where()} ends inside a varint at byte ${pos}`);
      const b = buf[pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (value > 0xffffffff) break;
        this.pos = pos;
        return value;
      }
    }
    throw malformed(`${this.where()} has a varint longer than 32 bits at byte ${this.pos}`);
  }

  /** A varint int64 (two's complement), exact within ±2^53 and approximate beyond. */
  private varint64(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw malformed(`${this.where()} ends inside a varint at byte ${pos}`);
      b = buf[pos++]!;
      low |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return low;
      }
    }
    if (pos >= end) throw malformed(`${this.where()} ends inside a varint at byte ${pos}`);
    b = buf[pos++]!;
    low |= (b & 0x0f) << 28;
    high = (b & 0x7f) >>> 4;
    for (let shift = 3; b >= 0x80; shift += 7) {
      if (shift > 31) throw malformed(`${this.where()} has a varint longer than 64 bits at byte ${this.pos}`);
      if (pos >= end) throw malformed(`${this.where()} ends inside a varint at byte ${pos}`);
      b = buf[pos++]!;
      if (shift === 31 && b > 1) throw malformed(`${this.where()} has a varint longer than 64 bits at byte ${this.pos}`);
      high |= (b & 0x7f) << shift;
    }
    this.pos = pos;
    return (high | 0) * TWO_POW_32 + (low >>> 0);
  }

  /** Skips the value of a field whose tag was just read. */
  private skip(tag: number, end: number): void {
    if (tag >>> 3 === 0) throw malformed(`${this.where()} has field number 0 at byte ${this.pos}`);
    switch (tag & 7) {
      case WIRE_VARINT:
        this.varint64(end);
        return;
      case WIRE_FIXED64:
        this.advance(8, end);
        return;
      case WIRE_LENGTH:
        this.pos = this.lengthEnd(end);
        return;
      case WIRE_FIXED32:
        this.advance(4, end);
        return;
      default:
        throw malformed(`${this.where()} has field ${tag >>> 3} with wire type ${tag & 7}, which proto3 does not use, at byte ${this.pos}`);
    }
  }

  private advance(bytes: number, end: number): void {
    if (this.pos + bytes > end) throw malformed(`${this.where()} is cut off: ${bytes} bytes from byte ${this.pos} run past byte ${end}`);
    this.pos += bytes;
  }
}

function malformed(cause: string): RemoteWriteFormatError {
  return new RemoteWriteFormatError('malformed', `cannot decode WriteRequest: ${cause}`);
}
