/** A body that is not a well-formed ExportMetricsServiceRequest: the whole request is refused (400), nothing of it is written. */
export class OtlpDecodeError extends Error {}
