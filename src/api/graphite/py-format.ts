/**
 * Python's number formatting, because graphite-web builds series names and tag values with it and
 * Grafana users see (and match on) those names.
 */

/** Python's `'%g' % x`: six significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exponentText] = x.toExponential(5).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return stripZeros(x.toFixed(5 - exponent));
  return `${stripZeros(mantissa)}e${exponentSuffix(exponent)}`;
}

/** Python's `str()` of a number: integers as digits, floats in repr form (`2.0`, `0.5`, `1e-05`, `1e+16`). */
export function pyNumber(x: number, isInteger: boolean): string {
  if (isInteger && Number.isSafeInteger(x)) return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    const fixed = String(x);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${exponentSuffix(exponent)}`;
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '');
}

function exponentSuffix(exponent: number): string {
  return `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Python's `round(x, 6)`, which graphite-web's perSecond applies. */
export function round6(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) return x;
  return Number(x.toFixed(6));
}
