import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { AnomalyEvidence, AnomalyItem } from './api.js';
import { formatScore, formatTime, formatValue } from './format.js';

export interface AnomalyTableProps {
  readonly anomalies: readonly AnomalyItem[];
}

/** Most example lines shown per anomaly; the API keeps a few per template. */
const MAX_EXAMPLES = 5;

/** The evidence of a log-derived anomaly: its sentence, opening to the template, example lines or the session's templates. */
function Evidence({ evidence }: { readonly evidence: AnomalyEvidence }): VNode {
  const examples = (evidence.examples ?? []).slice(0, MAX_EXAMPLES);
  return html`
    <details class="evidence" data-testid="anomaly-evidence">
      <summary>${evidence.reason ?? evidence.template?.text ?? 'evidence'}</summary>
      ${evidence.template === undefined ? null : html`<div>template <code data-testid="evidence-template">${evidence.template.text}</code></div>`}
      ${examples.length === 0 ? null : html`<ul class="examples">${examples.map((line) => html`<li><code>${line}</code></li>`)}</ul>`}
      ${evidence.session === undefined
        ? null
        : html`<div>session <code>${evidence.session.id}</code></div>
            <ol class="examples">${evidence.session.templates.map((t) => html`<li><code>${t}</code></li>`)}</ol>`}
    </details>
  `;
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
            <th>evidence</th>
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
                <td class="evidence-cell">${a.evidence === undefined ? '—' : html`<${Evidence} evidence=${a.evidence} />`}</td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </div>
  `;
}
