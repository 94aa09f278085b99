import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Status } from './api.js';
import { formatCount } from './format.js';

export interface HeaderProps {
  readonly status: Status | undefined;
  readonly autoRefresh: boolean;
  readonly onAutoRefresh: (on: boolean) => void;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function Header({ status, autoRefresh, onAutoRefresh }: HeaderProps): VNode {
  const line =
    status === undefined
      ? 'Connecting…'
      : `${plural(status.seriesCount, 'series', 'series')} · ` +
        `${plural(status.pointsReceived, 'point', 'points')} and ${plural(status.logRecordsReceived, 'log record', 'log records')} received · ` +
        `${plural(status.anomaliesFound, 'anomaly', 'anomalies')} found`;
  return html`
    <header class="header">
      <h1 class="brand">Vigil</h1>
      <div class="status-line" data-testid="status-line">${line}</div>
      ${status !== undefined && html`<div class="version">v${status.version}</div>`}
      <label class="toggle">
        <input
          type="checkbox"
          data-testid="auto-refresh"
          checked=${autoRefresh}
          onChange=${(e: Event) => onAutoRefresh((e.currentTarget as HTMLInputElement).checked)}
        />
        Auto-refresh
      </label>
    </header>
  `;
}
