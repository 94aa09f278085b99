const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local time as `YYYY-MM-DD HH:MM:SS`: sortable and unambiguous in a table. */
export function formatTime(timestampMs: number): string {
  const d = new Date(timestampMs);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

/** A measured value with enough digits to compare, without float noise. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return value.toExponential(3);
  return String(Number(value.toPrecision(6)));
}

export function formatScore(score: number): string {
  return score.toFixed(4);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
