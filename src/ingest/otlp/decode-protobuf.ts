import type { NestedValue } from './any-value.js';
import { MAX_NESTING, nestedInt, nestedText } from './any-value.js';
import { AttributeTextCache } from './attribute-cache.js';
import type { DataPointFields } from './data-point.js';
import { OtlpDecodeError } from './decode-error.js';
import type { OtlpParsedPoints } from './point-writer.js';
import { OtlpPointWriter } from './point-writer.js';
import { int64Text, nanosToMs, ProtoReader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './proto-reader.js';

// Field numbers from opentelemetry/proto (collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto,
// common/v1/common.proto, resource/v1/resource.proto), as tags: field number << 3 | wire type.
const tagOf = (field: number, wireType: number): number => (field << 3) | wireType;
const REQUEST_RESOURCE_METRICS = tagOf(1, WIRE_LEN);
const RESOURCE_METRICS_RESOURCE = tagOf(1, WIRE_LEN);
const RESOURCE_METRICS_SCOPE_METRICS = tagOf(2, WIRE_LEN);
const RESOURCE_ATTRIBUTES = tagOf(1, WIRE_LEN);
const SCOPE_METRICS_METRICS = tagOf(2, WIRE_LEN);
const METRIC_NAME = tagOf(1, WIRE_LEN);
const METRIC_GAUGE = tagOf(5, WIRE_LEN);
const METRIC_SUM = tagOf(7, WIRE_LEN);
const METRIC_HISTOGRAM = tagOf(9, WIRE_LEN);
const METRIC_EXPONENTIAL_HISTOGRAM = tagOf(10, WIRE_LEN);
const METRIC_SUMMARY = tagOf(11, WIRE_LEN);
/** Gauge, Sum, Histogram, ExponentialHistogram and Summary all hold their points in field 1. */
const DATA_POINTS = tagOf(1, WIRE_LEN);
const POINT_TIME = tagOf(3, WIRE_FIXED64);
const NUMBER_ATTRIBUTES = tagOf(7, WIRE_LEN);
const NUMBER_AS_DOUBLE = tagOf(4, WIRE_FIXED64);
const NUMBER_AS_INT = tagOf(6, WIRE_FIXED64);
const NUMBER_FLAGS = tagOf(8, WIRE_VARINT);
const HISTOGRAM_ATTRIBUTES = tagOf(9, WIRE_LEN);
const HISTOGRAM_COUNT = tagOf(4, WIRE_FIXED64);
const HISTOGRAM_SUM = tagOf(5, WIRE_FIXED64);
const HISTOGRAM_BUCKET_COUNTS_PACKED = tagOf(6, WIRE_LEN);
const HISTOGRAM_BUCKET_COUNT = tagOf(6, WIRE_FIXED64);
const HISTOGRAM_BOUNDS_PACKED = tagOf(7, WIRE_LEN);
const HISTOGRAM_BOUND = tagOf(7, WIRE_FIXED64);
const HISTOGRAM_FLAGS = tagOf(10, WIRE_VARINT);
const EXPONENTIAL_ATTRIBUTES = tagOf(1, WIRE_LEN);
const EXPONENTIAL_COUNT = tagOf(4, WIRE_FIXED64);
const EXPONENTIAL_SUM = tagOf(5, WIRE_FIXED64);
const EXPONENTIAL_FLAGS = tagOf(10, WIRE_VARINT);
const SUMMARY_ATTRIBUTES = tagOf(7, WIRE_LEN);
const SUMMARY_COUNT = tagOf(4, WIRE_FIXED64);
const SUMMARY_SUM = tagOf(5, WIRE_FIXED64);
const SUMMARY_QUANTILE_VALUES = tagOf(6, WIRE_LEN);
const SUMMARY_FLAGS = tagOf(8, WIRE_VARINT);
const QUANTILE_QUANTILE = tagOf(1, WIRE_FIXED64);
const QUANTILE_VALUE = tagOf(2, WIRE_FIXED64);
const KEY_VALUE_KEY = tagOf(1, WIRE_LEN);
const KEY_VALUE_VALUE = tagOf(2, WIRE_LEN);
const ANY_STRING = tagOf(1, WIRE_LEN);
const ANY_BOOL = tagOf(2, WIRE_VARINT);
const ANY_INT = tagOf(3, WIRE_VARINT);
const ANY_DOUBLE = tagOf(4, WIRE_FIXED64);
const ANY_ARRAY = tagOf(5, WIRE_LEN);
const ANY_KVLIST = tagOf(6, WIRE_LEN);
const ANY_BYTES = tagOf(7, WIRE_LEN);
/** ArrayValue.values and KeyValueList.values. */
const LIST_VALUES = tagOf(1, WIRE_LEN);

type PointKind = 'number' | 'histogram' | 'exponential' | 'summary';

/**
 * Decodes a binary protobuf ExportMetricsServiceRequest straight into Vigil points (see OtlpPointWriter
 * for the mapping). Fields may come in any order and unknown fields are skipped, as protobuf requires;
 * repeated scalars are read packed or not. Throws OtlpDecodeError, naming the byte offset, when the
 * bytes are not a well-formed message: such a request is refused whole.
 */
export function decodeOtlpProtobuf(body: Uint8Array, cache: AttributeTextCache = new AttributeTextCache()): OtlpParsedPoints {
  const decoder = new ProtobufMetricsDecoder(new ProtoReader(body), cache);
  try {
    decoder.request();
  } catch (error) {
    if (error instanceof OtlpDecodeError) {
      throw new OtlpDecodeError(`cannot decode protobuf ExportMetricsServiceRequest: ${error.message}`);
    }
    throw error;
  }
  return decoder.writer.finish();
}

class ProtobufMetricsDecoder {
  readonly writer = new OtlpPointWriter();
  private readonly point: DataPointFields = this.writer.point;

  constructor(
    private readonly r: ProtoReader,
    private readonly cache: AttributeTextCache,
  ) {}

  request(): void {
    const { r } = this;
    while (r.pos < r.length) {
      const tag = r.tag();
      if (tag === REQUEST_RESOURCE_METRICS) this.resourceMetrics(r.lengthEnd());
      else r.skip(tag & 7);
    }
  }

  /** The resource first, wherever it sits, since its attributes tag every point after. */
  private resourceMetrics(end: number): void {
    const { r, writer } = this;
    const start = r.pos;
    writer.beginResource();
    this.eachField(end, RESOURCE_METRICS_RESOURCE, (resourceEnd) => this.eachField(resourceEnd, RESOURCE_ATTRIBUTES, (attributeEnd) => this.attribute(attributeEnd, true)));
    r.pos = start;
    this.eachField(end, RESOURCE_METRICS_SCOPE_METRICS, (scopeEnd) => this.eachField(scopeEnd, SCOPE_METRICS_METRICS, (metricEnd) => this.metric(metricEnd)));
  }

  /** The name first, wherever it sits; of several data fields (a oneof) the last counts. */
  private metric(end: number): void {
    const { r, writer } = this;
    let name = '';
    let dataTag = 0;
    let dataStart = 0;
    let dataEnd = 0;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === METRIC_NAME) {
        const nameEnd = r.lengthEnd();
        name = r.text(r.pos, nameEnd);
        r.pos = nameEnd;
      } else if (tag === METRIC_GAUGE || tag === METRIC_SUM || tag === METRIC_HISTOGRAM || tag === METRIC_EXPONENTIAL_HISTOGRAM || tag === METRIC_SUMMARY) {
        dataEnd = r.lengthEnd();
        dataTag = tag;
        dataStart = r.pos;
        r.pos = dataEnd;
      } else {
        r.skip(tag & 7);
      }
    }
    r.expectEnd(end, 'a Metric');
    // No data field: a kind of metric this decoder does not know; its points are not counted.
    if (dataTag === 0) return;
    writer.beginMetric(name);
    const kind: PointKind =
      dataTag === METRIC_HISTOGRAM ? 'histogram' : dataTag === METRIC_EXPONENTIAL_HISTOGRAM ? 'exponential' : dataTag === METRIC_SUMMARY ? 'summary' : 'number';
    r.pos = dataStart;
    this.eachField(dataEnd, DATA_POINTS, (pointEnd) => this.dataPoint(kind, pointEnd));
    r.pos = end;
  }

  private dataPoint(kind: PointKind, end: number): void {
    this.writer.beginPoint();
    switch (kind) {
      case 'number':
        this.numberPoint(end);
        return this.writer.endNumberPoint();
      case 'histogram':
        this.histogramPoint(end);
        return this.writer.endHistogramPoint();
      case 'exponential':
        this.exponentialPoint(end);
        return this.writer.endExponentialHistogramPoint();
      case 'summary':
        this.summaryPoint(end);
        return this.writer.endSummaryPoint();
    }
  }

  private numberPoint(end: number): void {
    const { r, point } = this;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === NUMBER_ATTRIBUTES) this.attribute(r.lengthEnd(), false);
      else if (tag === POINT_TIME) this.time();
      else if (tag === NUMBER_AS_DOUBLE) {
        point.value = r.double();
        point.hasValue = true;
      } else if (tag === NUMBER_AS_INT) {
        point.value = r.fixed64Number(true);
        point.hasValue = true;
      } else if (tag === NUMBER_FLAGS) point.flags = r.varint();
      else r.skip(tag & 7);
    }
    r.expectEnd(end, 'a NumberDataPoint');
  }

  private histogramPoint(end: number): void {
    const { r, point } = this;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === HISTOGRAM_ATTRIBUTES) this.attribute(r.lengthEnd(), false);
      else if (tag === POINT_TIME) this.time();
      else if (tag === HISTOGRAM_COUNT) point.count = r.fixed64Number(false);
      else if (tag === HISTOGRAM_SUM) this.sum();
      else if (tag === HISTOGRAM_BUCKET_COUNT) point.addBucketCount(r.fixed64Number(false));
      else if (tag === HISTOGRAM_BUCKET_COUNTS_PACKED) {
        const packedEnd = this.packedEnd('bucketCounts');
        while (r.pos < packedEnd) point.addBucketCount(r.fixed64Number(false));
      } else if (tag === HISTOGRAM_BOUND) point.addBound(r.double());
      else if (tag === HISTOGRAM_BOUNDS_PACKED) {
        const packedEnd = this.packedEnd('explicitBounds');
        while (r.pos < packedEnd) point.addBound(r.double());
      } else if (tag === HISTOGRAM_FLAGS) point.flags = r.varint();
      else r.skip(tag & 7);
    }
    r.expectEnd(end, 'a HistogramDataPoint');
  }

  private exponentialPoint(end: number): void {
    const { r, point } = this;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === EXPONENTIAL_ATTRIBUTES) this.attribute(r.lengthEnd(), false);
      else if (tag === POINT_TIME) this.time();
      else if (tag === EXPONENTIAL_COUNT) point.count = r.fixed64Number(false);
      else if (tag === EXPONENTIAL_SUM) this.sum();
      else if (tag === EXPONENTIAL_FLAGS) point.flags = r.varint();
      else r.skip(tag & 7);
    }
    r.expectEnd(end, 'an ExponentialHistogramDataPoint');
  }

  private summaryPoint(end: number): void {
    const { r, point } = this;
    // Summary.sum is a plain double: absent means 0.
    point.hasSum = true;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === SUMMARY_ATTRIBUTES) this.attribute(r.lengthEnd(), false);
      else if (tag === POINT_TIME) this.time();
      else if (tag === SUMMARY_COUNT) point.count = r.fixed64Number(false);
      else if (tag === SUMMARY_SUM) point.sum = r.double();
      else if (tag === SUMMARY_QUANTILE_VALUES) this.quantile(r.lengthEnd());
      else if (tag === SUMMARY_FLAGS) point.flags = r.varint();
      else r.skip(tag & 7);
    }
    r.expectEnd(end, 'a SummaryDataPoint');
  }

  private quantile(end: number): void {
    const { r } = this;
    let quantile = 0;
    let value = 0;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === QUANTILE_QUANTILE) quantile = r.double();
      else if (tag === QUANTILE_VALUE) value = r.double();
      else r.skip(tag & 7);
    }
    r.expectEnd(end, 'a ValueAtQuantile');
    this.point.addQuantile(quantile, value);
  }

  private time(): void {
    this.r.fixed64();
    this.point.timeMs = nanosToMs(this.r.lo, this.r.hi);
  }

  private sum(): void {
    this.point.sum = this.r.double();
    this.point.hasSum = true;
  }

  private packedEnd(field: string): number {
    const end = this.r.lengthEnd();
    if ((end - this.r.pos) % 8 !== 0) this.r.fail(`packed ${field} of ${end - this.r.pos} bytes is not a whole number of 8-byte values`);
    return end;
  }

  /**
   * A KeyValue: key and value may come in either order; an attribute without a value adds no tag. A
   * string value, by far the most common, goes through the attribute cache; others are decoded each time.
   */
  private attribute(end: number, ofResource: boolean): void {
    const { r } = this;
    let keyStart = 0;
    let keyEnd = 0;
    let valueStart = -1;
    let valueEnd = -1;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === KEY_VALUE_KEY) {
        keyEnd = r.lengthEnd();
        keyStart = r.pos;
        r.pos = keyEnd;
      } else if (tag === KEY_VALUE_VALUE) {
        valueEnd = r.lengthEnd();
        valueStart = r.pos;
        r.pos = valueEnd;
      } else {
        r.skip(tag & 7);
      }
    }
    r.expectEnd(end, 'a KeyValue');
    if (valueStart < 0) return;
    r.pos = valueStart;
    if (valueStart < valueEnd && r.tag() === ANY_STRING && r.lengthEnd() === valueEnd) {
      const name = this.cache.tagName(r, keyStart, keyEnd);
      const text = this.cache.tagValue(r, r.pos, valueEnd);
      r.pos = end;
      if (ofResource) this.writer.resourceTag(name, text);
      else this.writer.pointTag(name, text);
      return;
    }
    r.pos = valueStart;
    const value = this.anyValue(valueEnd, 0);
    r.pos = end;
    if (value === null) return;
    const key = r.text(keyStart, keyEnd);
    const text = nestedText(value);
    if (ofResource) this.writer.resourceAttribute(key, text);
    else this.writer.pointAttribute(key, text);
  }

  /**
   * An AnyValue, reading to `end`: at the top level scalars come back as their tag text and arrays and
   * lists as values for nestedText; null when no value is set. Of several set fields (a oneof) the last counts.
   */
  private anyValue(end: number, depth: number): NestedValue {
    const { r } = this;
    if (depth > MAX_NESTING) r.fail(`attribute values nest deeper than ${MAX_NESTING} levels`);
    let value: NestedValue = null;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === ANY_STRING) {
        const textEnd = r.lengthEnd();
        value = r.text(r.pos, textEnd);
        r.pos = textEnd;
      } else if (tag === ANY_BOOL) {
        const flag = r.varint() !== 0;
        value = depth === 0 ? String(flag) : flag;
      } else if (tag === ANY_INT) {
        r.varint64();
        const text = int64Text(r.lo, r.hi);
        value = depth === 0 ? text : nestedInt(text);
      } else if (tag === ANY_DOUBLE) {
        const number = r.double();
        value = depth === 0 ? String(number) : number;
      } else if (tag === ANY_BYTES) {
        const bytesEnd = r.lengthEnd();
        value = Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, bytesEnd - r.pos).toString('base64');
        r.pos = bytesEnd;
      } else if (tag === ANY_ARRAY) {
        const arrayEnd = r.lengthEnd();
        const items: NestedValue[] = [];
        this.eachField(arrayEnd, LIST_VALUES, (itemEnd) => {
          items.push(this.anyValue(itemEnd, depth + 1));
        });
        value = items;
      } else if (tag === ANY_KVLIST) {
        const listEnd = r.lengthEnd();
        const entries: Record<string, NestedValue> = {};
        this.eachField(listEnd, LIST_VALUES, (entryEnd) => this.nestedEntry(entryEnd, entries, depth + 1));
        value = entries;
      } else {
        r.skip(tag & 7);
      }
    }
    r.expectEnd(end, 'an AnyValue');
    return value;
  }

  private nestedEntry(end: number, entries: Record<string, NestedValue>, depth: number): void {
    const { r } = this;
    let key = '';
    let value: NestedValue = null;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === KEY_VALUE_KEY) {
        const keyEnd = r.lengthEnd();
        key = r.text(r.pos, keyEnd);
        r.pos = keyEnd;
      } else if (tag === KEY_VALUE_VALUE) {
        value = this.anyValue(r.lengthEnd(), depth);
      } else {
        r.skip(tag & 7);
      }
    }
    r.expectEnd(end, 'a KeyValue');
    entries[key] = value;
  }

  /** Calls `read(end)` for every length-delimited field tagged `wanted` up to `end`, skipping the rest. */
  private eachField(end: number, wanted: number, read: (fieldEnd: number) => void): void {
    const { r } = this;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag !== wanted) {
        r.skip(tag & 7);
        continue;
      }
      const fieldEnd = r.lengthEnd();
      if (fieldEnd > end) r.fail('a field runs past the end of its message');
      read(fieldEnd);
      r.pos = fieldEnd;
    }
    r.expectEnd(end, 'a message');
  }
}
