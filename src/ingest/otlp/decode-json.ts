import type { NestedValue } from './any-value.js';
import { MAX_NESTING, nestedInt, nestedText } from './any-value.js';
import type { DataPointFields } from './data-point.js';
import { OtlpDecodeError } from './decode-error.js';
import type { OtlpParsedPoints } from './point-writer.js';
import { OtlpPointWriter } from './point-writer.js';

type JsonObject = Record<string, unknown>;

const UNSIGNED = /^\d+$/;
const SIGNED = /^-?\d+$/;

/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest (the protobuf JSON mapping with OTLP's rules:
 * lowerCamelCase keys, enums as integers, 64-bit integers as decimal strings or numbers, unknown keys
 * ignored) into Vigil points, exactly as the protobuf decoder maps them. A body that is not JSON, or
 * whose structure above the data points is wrong (`resourceMetrics` not an array, a metric not an
 * object), throws OtlpDecodeError; a data point with a field of the wrong type is rejected alone.
 */
export function decodeOtlpJson(text: string): OtlpParsedPoints {
  const writer = new OtlpPointWriter();
  // An empty body is an empty request, which OTLP answers with success, as it is in protobuf.
  if (text.trim().length === 0) return writer.finish();
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`cannot decode JSON ExportMetricsServiceRequest: ${(error as Error).message}`);
  }
  const decoder = new JsonMetricsDecoder(writer);
  decoder.request(objectAt(request, 'the body'));
  return writer.finish();
}

class JsonMetricsDecoder {
  private readonly point: DataPointFields;

  constructor(private readonly writer: OtlpPointWriter) {
    this.point = writer.point;
  }

  request(request: JsonObject): void {
    arrayField(request, 'resourceMetrics', 'ExportMetricsServiceRequest').forEach((item, r) => {
      const path = `resourceMetrics[${r}]`;
      const resourceMetrics = objectAt(item, path);
      this.writer.beginResource();
      const resource = optionalObject(resourceMetrics, 'resource', path);
      if (resource !== null) {
        arrayField(resource, 'attributes', `${path}.resource`).forEach((attribute, a) => {
          const [key, value] = keyValue(attribute, `${path}.resource.attributes[${a}]`);
          if (value !== null) this.writer.resourceAttribute(key, nestedText(value));
        });
      }
      arrayField(resourceMetrics, 'scopeMetrics', path).forEach((scopeItem, s) => {
        const scopePath = `${path}.scopeMetrics[${s}]`;
        arrayField(objectAt(scopeItem, scopePath), 'metrics', scopePath).forEach((metric, m) => this.metric(objectAt(metric, `${scopePath}.metrics[${m}]`), `${scopePath}.metrics[${m}]`));
      });
    });
  }

  private metric(metric: JsonObject, path: string): void {
    const name = metric['name'] ?? '';
    if (typeof name !== 'string') throw new OtlpDecodeError(`cannot decode ${path}.name: expected a string, got ${describe(name)}`);
    const gauge = optionalObject(metric, 'gauge', path);
    const sum = optionalObject(metric, 'sum', path);
    const histogram = optionalObject(metric, 'histogram', path);
    const exponential = optionalObject(metric, 'exponentialHistogram', path);
    const summary = optionalObject(metric, 'summary', path);
    const data = gauge ?? sum ?? histogram ?? exponential ?? summary;
    // No data field: a kind of metric this decoder does not know; its points are not counted.
    if (data === null) return;
    this.writer.beginMetric(name);
    arrayField(data, 'dataPoints', path).forEach((item, p) => {
      const dataPoint = objectAt(item, `${path}.dataPoints[${p}]`);
      this.writer.beginPoint();
      this.common(dataPoint);
      if (data === gauge || data === sum) {
        this.numberPoint(dataPoint);
        this.writer.endNumberPoint();
      } else if (data === histogram) {
        this.histogramPoint(dataPoint);
        this.writer.endHistogramPoint();
      } else if (data === exponential) {
        this.countAndSum(dataPoint);
        this.writer.endExponentialHistogramPoint();
      } else {
        this.summaryPoint(dataPoint);
        this.writer.endSummaryPoint();
      }
    });
  }

  /** Attributes, time and flags: the same names in every kind of data point. */
  private common(dataPoint: JsonObject): void {
    const { point } = this;
    const attributes = dataPoint['attributes'] ?? [];
    if (!Array.isArray(attributes)) {
      point.fault('bad_series', `attributes must be an array, got ${describe(attributes)}`);
    } else {
      for (let a = 0; a < attributes.length; a++) {
        try {
          const [key, value] = keyValue(attributes[a], `attributes[${a}]`);
          if (value !== null) this.writer.pointAttribute(key, nestedText(value));
        } catch (error) {
          if (!(error instanceof OtlpDecodeError)) throw error;
          point.fault('bad_series', error.message);
        }
      }
    }
    const time = dataPoint['timeUnixNano'];
    if (time !== undefined && time !== null) {
      const ms = nanosToMs(time);
      if (ms === null) point.fault('bad_timestamp', `timeUnixNano must be unsigned nanoseconds, got ${describe(time)}`);
      else point.timeMs = ms;
    }
    const flags = dataPoint['flags'];
    if (flags !== undefined && flags !== null) {
      const value = uint64(flags);
      if (Number.isNaN(value)) point.fault('bad_value', `flags must be an unsigned integer, got ${describe(flags)}`);
      else point.flags = value;
    }
  }

  private numberPoint(dataPoint: JsonObject): void {
    const { point } = this;
    const asDouble = dataPoint['asDouble'];
    const asInt = dataPoint['asInt'];
    if (asDouble !== undefined && asDouble !== null) {
      const value = double(asDouble);
      if (value === undefined) return point.fault('bad_value', `asDouble must be a number, got ${describe(asDouble)}`);
      point.value = value;
      point.hasValue = true;
    } else if (asInt !== undefined && asInt !== null) {
      const value = int64(asInt);
      if (value === undefined) return point.fault('bad_value', `asInt must be an integer, got ${describe(asInt)}`);
      point.value = value;
      point.hasValue = true;
    }
  }

  private histogramPoint(dataPoint: JsonObject): void {
    const { point } = this;
    this.countAndSum(dataPoint);
    const counts = dataPoint['bucketCounts'] ?? [];
    if (!Array.isArray(counts)) return point.fault('bad_value', `bucketCounts must be an array, got ${describe(counts)}`);
    for (let i = 0; i < counts.length; i++) {
      const count = uint64(counts[i]);
      if (Number.isNaN(count)) return point.fault('bad_value', `bucketCounts[${i}] must be an unsigned integer, got ${describe(counts[i])}`);
      point.addBucketCount(count);
    }
    const bounds = dataPoint['explicitBounds'] ?? [];
    if (!Array.isArray(bounds)) return point.fault('bad_value', `explicitBounds must be an array, got ${describe(bounds)}`);
    for (let i = 0; i < bounds.length; i++) {
      const bound = double(bounds[i]);
      if (bound === undefined) return point.fault('bad_value', `explicitBounds[${i}] must be a number, got ${describe(bounds[i])}`);
      point.addBound(bound);
    }
  }

  private summaryPoint(dataPoint: JsonObject): void {
    const { point } = this;
    this.countAndSum(dataPoint);
    // Summary.sum is a plain double: absent means 0.
    point.hasSum = true;
    const quantiles = dataPoint['quantileValues'] ?? [];
    if (!Array.isArray(quantiles)) return point.fault('bad_value', `quantileValues must be an array, got ${describe(quantiles)}`);
    for (let i = 0; i < quantiles.length; i++) {
      const item: unknown = quantiles[i];
      if (!isObject(item)) return point.fault('bad_value', `quantileValues[${i}] must be an object, got ${describe(item)}`);
      const quantile = double(item['quantile'] ?? 0);
      const value = double(item['value'] ?? 0);
      if (quantile === undefined || value === undefined) return point.fault('bad_value', `quantileValues[${i}] must hold numbers, got ${describe(item)}`);
      point.addQuantile(quantile, value);
    }
  }

  private countAndSum(dataPoint: JsonObject): void {
    const { point } = this;
    const count = dataPoint['count'] ?? 0;
    point.count = uint64(count);
    if (Number.isNaN(point.count)) point.fault('bad_value', `count must be an unsigned integer, got ${describe(count)}`);
    const sum = dataPoint['sum'];
    if (sum === undefined || sum === null) return;
    const value = double(sum);
    if (value === undefined) return point.fault('bad_value', `sum must be a number, got ${describe(sum)}`);
    point.sum = value;
    point.hasSum = true;
  }
}

/** A KeyValue's key and its value as nested JSON (null when no value is set). */
function keyValue(item: unknown, path: string): [string, NestedValue] {
  const keyValueObject = objectAt(item, path);
  const key = keyValueObject['key'] ?? '';
  if (typeof key !== 'string') throw new OtlpDecodeError(`cannot decode ${path}.key: expected a string, got ${describe(key)}`);
  const value = keyValueObject['value'];
  return [key, value === undefined || value === null ? null : anyValue(value, `${path}.value`, 0)];
}

/** An AnyValue: scalars at the top level as their tag text, nested ones as JSON values (see nestedText). */
function anyValue(item: unknown, path: string, depth: number): NestedValue {
  if (depth > MAX_NESTING) throw new OtlpDecodeError(`cannot decode ${path}: attribute values nest deeper than ${MAX_NESTING} levels`);
  const value = objectAt(item, path);
  const top = depth === 0;
  const fail = (field: string, expected: string): never => {
    throw new OtlpDecodeError(`cannot decode ${path}.${field}: expected ${expected}, got ${describe(value[field])}`);
  };
  if (value['stringValue'] !== undefined && value['stringValue'] !== null) {
    return typeof value['stringValue'] === 'string' ? value['stringValue'] : fail('stringValue', 'a string');
  }
  if (value['boolValue'] !== undefined && value['boolValue'] !== null) {
    const flag = value['boolValue'];
    if (typeof flag !== 'boolean') return fail('boolValue', 'a boolean');
    return top ? String(flag) : flag;
  }
  if (value['intValue'] !== undefined && value['intValue'] !== null) {
    const text = int64Text(value['intValue']);
    if (text === undefined) return fail('intValue', 'an integer');
    return top ? text : nestedInt(text);
  }
  if (value['doubleValue'] !== undefined && value['doubleValue'] !== null) {
    const number = double(value['doubleValue']);
    if (number === undefined) return fail('doubleValue', 'a number');
    return top ? String(number) : number;
  }
  if (value['bytesValue'] !== undefined && value['bytesValue'] !== null) {
    if (typeof value['bytesValue'] !== 'string') return fail('bytesValue', 'base64 text');
    return Buffer.from(value['bytesValue'], 'base64').toString('base64');
  }
  if (value['arrayValue'] !== undefined && value['arrayValue'] !== null) {
    return arrayField(objectAt(value['arrayValue'], `${path}.arrayValue`), 'values', `${path}.arrayValue`).map((element, i) =>
      anyValue(element, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if (value['kvlistValue'] !== undefined && value['kvlistValue'] !== null) {
    const entries: Record<string, NestedValue> = {};
    arrayField(objectAt(value['kvlistValue'], `${path}.kvlistValue`), 'values', `${path}.kvlistValue`).forEach((entry, i) => {
      const entryPath = `${path}.kvlistValue.values[${i}]`;
      const entryObject = objectAt(entry, entryPath);
      const key = entryObject['key'] ?? '';
      if (typeof key !== 'string') throw new OtlpDecodeError(`cannot decode ${entryPath}.key: expected a string, got ${describe(key)}`);
      const entryValue = entryObject['value'];
      entries[key] = entryValue === undefined || entryValue === null ? null : anyValue(entryValue, `${entryPath}.value`, depth + 1);
    });
    return entries;
  }
  return null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new OtlpDecodeError(`cannot decode ${path}: expected an object, got ${describe(value)}`);
  return value;
}

/** A message field that may be absent or null. */
function optionalObject(parent: JsonObject, field: string, path: string): JsonObject | null {
  const value = parent[field];
  return value === undefined || value === null ? null : objectAt(value, `${path}.${field}`);
}

/** A repeated field: absent or null is empty. */
function arrayField(parent: JsonObject, field: string, path: string): unknown[] {
  const value = parent[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`cannot decode ${path}.${field}: expected an array, got ${describe(value)}`);
  return value;
}

/** Whole milliseconds of a fixed64 nanosecond count (decimal text or a number); null when it is neither. */
function nanosToMs(value: unknown): number | null {
  if (typeof value === 'string') {
    if (!UNSIGNED.test(value)) return null;
    return value.length > 6 ? Number(value.slice(0, -6)) : 0;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return Math.floor(value / 1_000_000);
  return null;
}

/** An unsigned 64-bit integer (decimal text or a number) as the nearest double; NaN when it is neither. */
function uint64(value: unknown): number {
  if (typeof value === 'string') return UNSIGNED.test(value) ? Number(value) : NaN;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return NaN;
}

/** A signed 64-bit integer as the nearest double; undefined when it is not one. */
function int64(value: unknown): number | undefined {
  if (typeof value === 'string') return SIGNED.test(value) ? Number(value) : undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return undefined;
}

/** The exact decimal text of a signed 64-bit integer; undefined when it is not one. */
function int64Text(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : undefined;
  if (typeof value !== 'string' || !SIGNED.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? String(number) : BigInt(value).toString();
}

/** A double: a JSON number, or text as the protobuf JSON mapping allows ("NaN", "Infinity", "1.5"). */
function double(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim().length === 0) return undefined;
  const number = Number(value);
  return Number.isNaN(number) && value !== 'NaN' ? undefined : number;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
