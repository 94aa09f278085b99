import { cellAt, columnIndex, lineError, readCsvTable } from './csv-table.js';
import { parseNabTimestamp } from './timestamp.js';

/** One NAB data file: its rows' times and values, in file order. */
export interface NabSeries {
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/** Reads a NAB data file (`timestamp,value`); any row whose time or value does not parse is an error naming its line. */
export function readNabDataFile(path: string): NabSeries {
  const table = readCsvTable(path);
  const timeColumn = columnIndex(table, 'timestamp');
  const valueColumn = columnIndex(table, 'value');
  const n = table.lines.length;
  const timestampsMs = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const line = table.lines[i]!;
    const timeText = cellAt(line, timeColumn);
    const valueText = cellAt(line, valueColumn);
    const timestampMs = timeText === undefined ? NaN : parseNabTimestamp(timeText.trim());
    if (Number.isNaN(timestampMs)) throw lineError(table, i, `bad timestamp ${JSON.stringify(timeText ?? '')}`);
    const value = valueText === undefined || valueText.trim() === '' ? NaN : Number(valueText);
    if (!Number.isFinite(value)) throw lineError(table, i, `bad value ${JSON.stringify(valueText ?? '')}`);
    timestampsMs[i] = timestampMs;
    values[i] = value;
  }
  return { timestampsMs, values };
}
