import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { AnomalyItem } from './api.js';
import { formatScore, formatTime, formatValue } from './format.js';

export interface AnomalyTableProps {
  readonly anomalies: readonly AnomalyItem[];
}

/** Anomalies of the selected series in range, newest first. */
export function AnomalyTable({ anomalies }: AnomalyTableProps): VNode {
  if (anomalies.length === 0) return html`<p class="muted">No anomalies in this range.</p>`;
  const rows = [...anomalies].sort((a, b) => b.timestampMs - a.timestampMs || b.score - a.score);
  return html`
    <div class="table-wrap">
      <table class="anomalies">
        <thead>
          <tr>
            <th>time</th>
            <th class="num">value</th>
            <th class="num">expected</th>
            <th class="num">score</th>
            <th>kind</th>
            <th>detector</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (a) => html`
              <tr key=${`${a.timestampMs}/${a.detector}`} data-testid="anomaly-row">
                <td>${formatTime(a.timestampMs)}</td>
                <td class="num">${formatValue(a.value)}</td>
                <td class="num">${formatValue(a.expected)}</td>
                <td class="num">${formatScore(a.score)}</td>
                <td>${a.kind ?? '—'}</td>
                <td>${a.detector}</td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </div>
  `;
}
