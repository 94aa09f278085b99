import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { AnomalyItem } from './api.js';
import { fetchAnomalies, fetchEvents, fetchQuery, fetchSeries, fetchStatus } from './api.js';
import { AnomalyTable } from './anomaly-table.js';
import { Chart } from './chart.js';
import { hasPoints } from './chart-data.js';
import { eventsForSeries } from './chart-events.js';
import { EmptyState } from './empty-state.js';
import { ErrorBanner } from './error-banner.js';
import { searchToGlob } from './glob.js';
import { Header } from './header.js';
import { useDebounced, useFetch, useHashRoute, useTick } from './hooks.js';
import type { RangeId } from './route.js';
import { RANGES, rangeFrom } from './route.js';
import { SeriesPanel } from './series-panel.js';

const REFRESH_PERIOD_MS = 5000;
const SEARCH_DEBOUNCE_MS = 250;
const SERIES_LIMIT = 500;
/** Enough to mark every series with anomalies on a busy range; the count per series is a hint. */
const MARK_ANOMALY_LIMIT = 10000;
const TABLE_ANOMALY_LIMIT = 1000;
/** Events are few; more than this in one range would not be readable as lines anyway. */
const CHART_EVENT_LIMIT = 1000;

function countBySeries(anomalies: readonly AnomalyItem[] | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of anomalies ?? []) counts.set(a.series, (counts.get(a.series) ?? 0) + 1);
  return counts;
}

export function App(): VNode {
  const [route, navigate] = useHashRoute();
  const [autoRefresh, setAutoRefresh] = useState(true);
  const [search, setSearch] = useState('');
  const tick = useTick(autoRefresh, REFRESH_PERIOD_MS);
  const glob = searchToGlob(useDebounced(search, SEARCH_DEBOUNCE_MS));
  const from = rangeFrom(route.range);
  const selectedKey = route.seriesKey;

  const status = useFetch('status', tick, (signal) => fetchStatus(signal));
  const list = useFetch(`series:${glob}`, tick, (signal) => fetchSeries(glob, SERIES_LIMIT, signal));
  const marks = useFetch(`marks:${from}`, tick, (signal) =>
    fetchAnomalies(from, undefined, MARK_ANOMALY_LIMIT, signal),
  );
  const query = useFetch(selectedKey === null ? null : `query:${from}:${selectedKey}`, tick, (signal) =>
    fetchQuery(selectedKey!, from, signal),
  );
  const anomalies = useFetch(selectedKey === null ? null : `anomalies:${from}:${selectedKey}`, tick, (signal) =>
    fetchAnomalies(from, selectedKey!, TABLE_ANOMALY_LIMIT, signal),
  );

  // Fetched per range, not per series: switching series needs no new request.
  const events = useFetch(selectedKey === null ? null : `events:${from}`, tick, (signal) =>
    fetchEvents(from, CHART_EVENT_LIMIT, signal),
  );
  const chartEvents = useMemo(
    () => (selectedKey === null ? [] : eventsForSeries(events.data ?? [], selectedKey)),
    [events.data, selectedKey],
  );

  const anomalyCounts = useMemo(() => countBySeries(marks.data), [marks.data]);
  const errors = [status.error, list.error, marks.error, query.error, anomalies.error, events.error].filter(
    (e): e is string => e !== null,
  );
  const empty = status.data?.seriesCount === 0 && !(list.data !== undefined && list.data.total > 0);

  const selectRange = (range: RangeId): void => navigate({ ...route, range });
  const selectSeries = (key: string): void => navigate({ ...route, seriesKey: key });

  return html`
    <div class="app">
      <${Header} status=${status.data} autoRefresh=${autoRefresh} onAutoRefresh=${setAutoRefresh} />
      <${ErrorBanner} errors=${errors} />
      ${empty
        ? html`<main class="main"><${EmptyState} status=${status.data} /></main>`
        : html`
            <div class="layout">
              <${SeriesPanel}
                search=${search}
                onSearch=${setSearch}
                glob=${glob}
                list=${list.data}
                selectedKey=${selectedKey}
                anomalyCounts=${anomalyCounts}
                onSelect=${selectSeries}
              />
              <main class="main">
                <div class="toolbar">
                  <h2 class="series-title" title=${selectedKey ?? ''}>${selectedKey ?? 'No series selected'}</h2>
                  <div class="ranges" role="group" aria-label="Time range">
                    ${RANGES.map(
                      (r) => html`
                        <button
                          type="button"
                          key=${r}
                          class=${r === route.range ? 'range active' : 'range'}
                          aria-pressed=${r === route.range}
                          data-testid=${`range-${r}`}
                          onClick=${() => selectRange(r)}
                        >
                          ${r}
                        </button>
                      `,
                    )}
                  </div>
                </div>
                ${selectedKey === null
                  ? html`<p class="muted hint">Select a series on the left to chart it.</p>`
                  : html`
                      ${query.data === undefined
                        ? html`<div class="chart-placeholder">
                            ${query.error === null ? 'Loading…' : 'Cannot chart this series (see the error above).'}
                          </div>`
                        : html`
                            ${!hasPoints(query.data) &&
                            html`<p class="muted">No points for this series in the last ${route.range}.</p>`}
                            <${Chart} query=${query.data} anomalies=${anomalies.data ?? []} events=${chartEvents} />
                          `}
                      <h3>
                        Anomalies in the last ${route.range}${anomalies.data !== undefined &&
                        ` (${anomalies.data.length})`}
                      </h3>
                      <${AnomalyTable} anomalies=${anomalies.data ?? []} />
                    `}
              </main>
            </div>
          `}
    </div>
  `;
}
