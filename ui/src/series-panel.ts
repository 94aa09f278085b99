import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { SeriesList } from './api.js';
import { formatCount } from './format.js';

export interface SeriesPanelProps {
  readonly search: string;
  readonly onSearch: (text: string) => void;
  /** The glob actually sent, shown so users learn the syntax. */
  readonly glob: string;
  readonly list: SeriesList | undefined;
  readonly selectedKey: string | null;
  /** Anomaly count per series key in the current range. */
  readonly anomalyCounts: ReadonlyMap<string, number>;
  readonly onSelect: (key: string) => void;
}

/** Tags as `k=v` pairs in key order, the part of a long key that would otherwise be cut off. */
function tagText(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(' ');
}

function countLine(list: SeriesList | undefined): string {
  if (list === undefined) return 'Searching…';
  const total = `${formatCount(list.total)} ${list.total === 1 ? 'series matches' : 'series match'}`;
  return list.series.length < list.total ? `${total}, first ${formatCount(list.series.length)} shown` : total;
}

export function SeriesPanel(props: SeriesPanelProps): VNode {
  const { list, selectedKey, anomalyCounts, onSelect } = props;
  return html`
    <nav class="series-panel">
      <input
        class="search"
        type="search"
        placeholder="Filter series: text or glob (api.*.latency)"
        aria-label="Filter series"
        data-testid="series-search"
        value=${props.search}
        onInput=${(e: Event) => props.onSearch((e.currentTarget as HTMLInputElement).value)}
      />
      <div class="series-count" data-testid="series-count" title=${`match=${props.glob}`}>${countLine(list)}</div>
      <ul class="series-list">
        ${(list?.series ?? []).map((s) => {
          const count = anomalyCounts.get(s.key) ?? 0;
          const selected = s.key === selectedKey;
          return html`
            <li key=${s.key}>
              <button
                type="button"
                class=${`series-item${selected ? ' selected' : ''}${count > 0 ? ' has-anomalies' : ''}`}
                data-testid="series-item"
                data-series-key=${s.key}
                aria-current=${selected ? 'true' : undefined}
                title=${s.key}
                onClick=${() => onSelect(s.key)}
              >
                <span class="series-text">
                  <span class="series-name">${s.name}</span>
                  ${tagText(s.tags) !== '' && html`<span class="series-tags">${tagText(s.tags)}</span>`}
                </span>
                ${count > 0 &&
                html`<span class="badge" data-testid="anomaly-badge" title=${`${count} anomalies in range`}>${count}</span>`}
              </button>
            </li>
          `;
        })}
      </ul>
    </nav>
  `;
}
