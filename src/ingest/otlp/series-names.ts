// OTLP allows any UTF-8 in metric names, attribute keys and values; Vigil series keys do not (see
// validateSeriesRef). Each character Vigil cannot hold becomes '_', so the same OTLP name always maps to
// the same series; two names that differ only in such characters share one.
const NAME_FORBIDDEN = /[\s;]/g;
const TAG_NAME_FORBIDDEN = /[^A-Za-z0-9_.-]/g;
const TAG_VALUE_FORBIDDEN = /[\s;~]/g;

/** A metric name as a Vigil series name: whitespace and ';' become '_'; dots are kept. */
export function seriesNameOf(metricName: string): string {
  return metricName.replace(NAME_FORBIDDEN, '_');
}

/** An attribute key as a tag name: anything outside [A-Za-z0-9_.-] becomes '_'. */
export function tagNameOf(key: string): string {
  return key.replace(TAG_NAME_FORBIDDEN, '_');
}

/** An attribute value as a tag value: whitespace, ';' and '~' become '_'. */
export function tagValueOf(value: string): string {
  return value.replace(TAG_VALUE_FORBIDDEN, '_');
}

/** A histogram bound or summary quantile as the text of an `le` or `quantile` tag. */
export function boundText(bound: number): string {
  if (bound === Infinity) return '+Inf';
  if (bound === -Infinity) return '-Inf';
  return String(bound);
}
