import protobuf from 'protobufjs';
import { compress } from 'snappyjs';
import type { KeyedPoints, Rejection } from '../../model/index.js';
import { LocalSeriesIds } from '../local-series-ids.js';
import { RemoteWriteDecoder } from './decoder.js';
import { RemoteWriteFormatError } from './format-error.js';
import type { WriteRequestCounts } from './write-request.js';

/** Prometheus' remote write schema (prompb), with the fields Vigil skips, to build bodies the way senders do. */
const PROMPB = `
syntax = "proto3";
package prometheus;
message WriteRequest {
  repeated TimeSeries timeseries = 1;
  repeated MetricMetadata metadata = 3;
}
message MetricMetadata {
  int32 type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  repeated Histogram histograms = 4;
}
message Label {
  string name = 1;
  string value = 2;
}
message Sample {
  double value = 1;
  int64 timestamp = 2;
}
message Exemplar {
  repeated Label labels = 1;
  double value = 2;
  int64 timestamp = 3;
}
message Histogram {
  uint64 count_int = 1;
  double sum = 3;
  sint32 schema = 4;
  int64 timestamp = 15;
}
`;

const prompb = protobuf.parse(PROMPB).root;
const writeRequestType = prompb.lookupType('prometheus.WriteRequest');
const timeSeriesType = prompb.lookupType('prometheus.TimeSeries');

/** Stands in for a stale marker while protobufjs encodes (it may not keep a NaN's bits); swapped after. */
const STALE_STAND_IN = 1.2345678901234567e-300;
const STALE_MARKER_BYTES = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
/** A value that encodes as Prometheus' stale marker NaN (0x7ff0000000000002). */
export const STALE_MARKER = STALE_STAND_IN;

export interface TestSample {
  readonly value: number;
  /** Milliseconds; a decimal string for int64 values beyond Number's exact range. */
  readonly timestampMs: number | string;
}

export interface TestSeries {
  /** Label pairs in the order they are encoded. */
  readonly labels: readonly (readonly [string, string])[];
  readonly samples: readonly TestSample[];
  readonly exemplars?: number;
  readonly histograms?: number;
}

function timeSeriesObject(s: TestSeries): object {
  return {
    labels: s.labels.map(([name, value]) => ({ name, value })),
    samples: s.samples.map((sample) => ({ value: sample.value, timestamp: sample.timestampMs })),
    exemplars: Array.from({ length: s.exemplars ?? 0 }, () => ({ labels: [{ name: 'trace_id', value: 'abc' }], value: 1, timestamp: 1 })),
    histograms: Array.from({ length: s.histograms ?? 0 }, (_, i) => ({ countInt: 3, sum: 1.5, schema: 1, timestamp: 1000 + i })),
  };
}

/** A protobuf WriteRequest encoded by protobufjs (not snappy-compressed). */
export function encodeWriteRequest(series: readonly TestSeries[], metadata: readonly string[] = []): Buffer {
  const message = writeRequestType.fromObject({
    timeseries: series.map(timeSeriesObject),
    metadata: metadata.map((name) => ({ type: 1, metricFamilyName: name, help: `help of ${name}`, unit: '' })),
  });
  return withStaleMarkers(Buffer.from(writeRequestType.encode(message).finish()));
}

/** One TimeSeries message alone, to assemble bodies field by field. */
export function encodeTimeSeries(series: TestSeries): Buffer {
  return withStaleMarkers(Buffer.from(timeSeriesType.encode(timeSeriesType.fromObject(timeSeriesObject(series))).finish()));
}

/** A length-delimited field: its tag byte, the length as a varint, the bytes. */
export function lengthDelimited(tag: number, bytes: Buffer): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32(tag).bytes(bytes);
  return Buffer.from(writer.finish());
}

function withStaleMarkers(bytes: Buffer): Buffer {
  const standIn = Buffer.alloc(8);
  standIn.writeDoubleLE(STALE_STAND_IN);
  for (let at = bytes.indexOf(standIn); at >= 0; at = bytes.indexOf(standIn, at + 8)) STALE_MARKER_BYTES.copy(bytes, at);
  return bytes;
}

/** Snappy block-format compression, as Prometheus sends. */
export function snappy(bytes: Uint8Array): Buffer {
  return Buffer.from(compress(new Uint8Array(bytes)));
}

/** A remote write body: the WriteRequest of `series`, snappy-compressed. */
export function remoteWriteBody(series: readonly TestSeries[], metadata: readonly string[] = []): Buffer {
  return snappy(encodeWriteRequest(series, metadata));
}

/** The RemoteWriteFormatError `decode` throws; fails the test when it returns or throws anything else. */
export function formatErrorOf(decode: () => unknown): RemoteWriteFormatError {
  try {
    decode();
  } catch (err) {
    if (err instanceof RemoteWriteFormatError) return err;
    throw err;
  }
  throw new Error('expected a RemoteWriteFormatError');
}

/** A remote write decoder whose series get ids in memory, with its points named by key again. */
export function keyedDecoder(options: { maxDecodedBytes: number; keyCacheEntries?: number }): {
  decode(body: Buffer): { points: KeyedPoints; rejections: Rejection[]; counts: WriteRequestCounts };
} {
  const seriesIds = new LocalSeriesIds();
  const decoder = new RemoteWriteDecoder({ ...options, seriesIds });
  return {
    decode(body) {
      const batch = decoder.decode(body);
      return { ...batch, points: seriesIds.keyed(batch.points) };
    },
  };
}
