import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { Status } from './api.js';
import { CopyCommand } from './copy-command.js';

/** Addresses a server binds to but a client cannot dial; the page's own host is the better guess. */
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

function dialHost(status: Status | undefined): string {
  const host = status?.graphite.host ?? '';
  return WILDCARD_HOSTS.has(host) ? window.location.hostname : host;
}

export interface EmptyStateProps {
  readonly status: Status | undefined;
}

/** First-run help: how to get points in, with the server's real addresses. */
export function EmptyState({ status }: EmptyStateProps): VNode {
  const host = dialHost(status);
  const graphitePort = status?.graphite.tcpPort ?? 2003;
  const origin = window.location.origin;
  const graphite = `echo "demo.cpu;host=web1 42 $(date +%s)" | nc -q0 ${host} ${graphitePort}`;
  const curl =
    `curl -X POST ${origin}/api/v1/points -H 'content-type: application/json' ` +
    `-d '[{"series":"demo.cpu","tags":{"host":"web1"},"timestampMs":'$(date +%s000)',"value":42}]'`;
  return html`
    <section class="empty" data-testid="empty-state">
      <h2>No series yet</h2>
      <p>Vigil has not received any points. Send some, and they show up here within seconds.</p>
      <${CopyCommand} label=${`Graphite plaintext over TCP (port ${graphitePort})`} command=${graphite} />
      <${CopyCommand} label="JSON over HTTP" command=${curl} />
      <h3>Or watch a demo</h3>
      <p>
        The demo simulates a small fleet of hosts, with incidents injected now and then;
        its first anomalies show within a minute.
      </p>
      <${CopyCommand} label="Start the demo" command="npx vigil demo" />
    </section>
  `;
}
