import protobuf from 'protobufjs';

/**
 * The part of opentelemetry-proto the OTLP tests need, for protobufjs: an independent encoder, so that
 * each hand-made request (written in OTLP/JSON form) is also sent as binary protobuf, and responses are
 * read back. Field numbers as in collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto,
 * common/v1/common.proto and resource/v1/resource.proto.
 */
const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
message Status { int32 code = 1; string message = 2; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message Metric {
  string name = 1; string description = 2; string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9; ExponentialHistogram exponential_histogram = 10; Summary summary = 11; }
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message ExponentialHistogram { repeated ExponentialHistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message Summary { repeated SummaryDataPoint data_points = 1; }
message Exemplar { repeated KeyValue filtered_attributes = 7; fixed64 time_unix_nano = 2; double as_double = 3; bytes span_id = 4; bytes trace_id = 5; }
message NumberDataPoint {
  repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; }
  repeated Exemplar exemplars = 5; uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
  optional double sum = 5; repeated fixed64 bucket_counts = 6; repeated double explicit_bounds = 7; uint32 flags = 10;
  optional double min = 11; optional double max = 12;
}
message ExponentialHistogramDataPoint {
  message Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; }
  repeated KeyValue attributes = 1; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
  optional double sum = 5; sint32 scale = 6; fixed64 zero_count = 7; Buckets positive = 8; Buckets negative = 9; uint32 flags = 10;
}
message SummaryDataPoint {
  message ValueAtQuantile { double quantile = 1; double value = 2; }
  repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
  double sum = 5; repeated ValueAtQuantile quantile_values = 6; uint32 flags = 8;
}
// The same HistogramDataPoint with its repeated scalars unpacked, as older encoders may send them.
message UnpackedHistogramDataPoint {
  repeated KeyValue attributes = 9; fixed64 time_unix_nano = 3; fixed64 count = 4; optional double sum = 5;
  repeated fixed64 bucket_counts = 6 [packed = false]; repeated double explicit_bounds = 7 [packed = false];
}
`;

const root = protobuf.parse(OTLP_PROTO, { keepCase: false }).root;

/** A message type of the test schema (`ExportMetricsServiceRequest`, `Metric`, ...). */
export function otlpType(name: string): protobuf.Type {
  return root.lookupType(`otlp.${name}`);
}

/** Binary protobuf of `message` given in OTLP/JSON form (camelCase, int64 as decimal strings, bytes in base64). */
export function encodeOtlp(typeName: string, message: object): Uint8Array {
  const type = otlpType(typeName);
  return type.encode(type.fromObject(message)).finish();
}

/** A protobuf message read back as OTLP/JSON-shaped plain data (int64 as strings). */
export function decodeOtlp(typeName: string, bytes: Uint8Array): Record<string, unknown> {
  const type = otlpType(typeName);
  return type.toObject(type.decode(bytes), { longs: String, defaults: false }) as Record<string, unknown>;
}

/** A length-delimited field `field` holding `bytes`, to put messages together by hand. */
export function lengthField(field: number, bytes: Uint8Array): Uint8Array {
  const header: number[] = [(field << 3) | 2];
  let length = bytes.length;
  while (length >= 0x80) {
    header.push((length & 0x7f) | 0x80);
    length >>>= 7;
  }
  header.push(length);
  return Buffer.concat([Buffer.from(header), bytes]);
}

/** Nanoseconds of a millisecond time, as OTLP/JSON writes fixed64 fields. */
export function nanos(timestampMs: number): string {
  return `${BigInt(timestampMs) * 1_000_000n}`;
}

/** An OTLP/JSON attribute list from plain string values. */
export function stringAttributes(attributes: Record<string, string>): object[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));
}
