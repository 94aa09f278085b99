import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AnomalyItem, QueryResult } from './api.js';
import type { ChartData } from './chart-data.js';
import { buildChartData } from './chart-data.js';
import { formatScore, formatTime, formatValue } from './format.js';

const LINE_COLOR = '#2563eb';
const ANOMALY_COLOR = '#dc2626';
const PLOT_HEIGHT_PX = 320;
/** How close (CSS px along x) the pointer must be to a marker to show its details. */
const HIT_RADIUS_PX = 12;

export interface ChartProps {
  readonly query: QueryResult;
  readonly anomalies: readonly AnomalyItem[];
}

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.timestampsMs, data.values, data.marks];
}

function nearestMarkRow(u: uPlot, data: ChartData, leftPx: number): number | null {
  let best: number | null = null;
  let bestDistPx = HIT_RADIUS_PX;
  for (const row of data.markRows) {
    const distPx = Math.abs(u.valToPos(data.timestampsMs[row]!, 'x') - leftPx);
    if (distPx <= bestDistPx) {
      best = row;
      bestDistPx = distPx;
    }
  }
  return best;
}

function appendLine(parent: HTMLElement, label: string, value: string): void {
  const line = document.createElement('div');
  const name = document.createElement('span');
  name.className = 'tip-label';
  name.textContent = label;
  line.append(name, value);
  parent.append(line);
}

/** Fills the tooltip with text nodes only: series keys and detector names come from the network. */
function showTooltip(tip: HTMLDivElement, u: uPlot, data: ChartData, row: number): void {
  const found = data.anomaliesAt[row]!;
  tip.replaceChildren();
  const title = document.createElement('div');
  title.className = 'tip-title';
  title.textContent = formatTime(data.timestampsMs[row]!);
  tip.append(title);
  for (const anomaly of found) {
    const block = document.createElement('div');
    block.className = 'tip-anomaly';
    appendLine(block, 'value', formatValue(anomaly.value));
    appendLine(block, 'expected', formatValue(anomaly.expected));
    appendLine(block, 'score', formatScore(anomaly.score));
    appendLine(block, 'kind', anomaly.kind ?? '—');
    appendLine(block, 'detector', anomaly.detector);
    tip.append(block);
  }
  const leftPx = u.valToPos(data.timestampsMs[row]!, 'x');
  const topPx = u.valToPos(data.marks[row]!, 'y');
  const overWidthPx = u.over.clientWidth;
  // Flip to the left of the marker near the right edge so the box stays inside the plot.
  tip.style.left = leftPx > overWidthPx / 2 ? '' : `${leftPx + 10}px`;
  tip.style.right = leftPx > overWidthPx / 2 ? `${overWidthPx - leftPx + 10}px` : '';
  tip.style.top = `${Math.max(0, topPx - 10)}px`;
  tip.hidden = false;
}

function makeOptions(widthPx: number, dataRef: { current: ChartData | null }, tip: HTMLDivElement): uPlot.Options {
  return {
    width: widthPx,
    height: PLOT_HEIGHT_PX,
    ms: 1,
    scales: { x: { time: true } },
    cursor: { points: { size: 7 } },
    legend: { live: true },
    axes: [
      { stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d1d5db' } },
      {
        stroke: '#4b5563',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#d1d5db' },
        size: 64,
        values: (_u, splits) => splits.map((v) => formatValue(v)),
      },
    ],
    series: [
      { value: (_u, v) => (v === null ? '—' : formatTime(v)) },
      {
        label: 'value',
        stroke: LINE_COLOR,
        width: 1.5,
        fill: 'rgba(37, 99, 235, 0.06)',
        value: (_u, v) => formatValue(v),
      },
      {
        label: 'anomaly',
        stroke: ANOMALY_COLOR,
        // Points only: markers, never a line between anomalies.
        paths: () => null,
        points: { show: true, size: 9, width: 2, stroke: ANOMALY_COLOR, fill: '#fecaca' },
        value: (_u, v) => formatValue(v),
      },
    ],
    hooks: {
      setCursor: [
        (u) => {
          const data = dataRef.current;
          const leftPx = u.cursor.left;
          const row = data === null || leftPx === undefined || leftPx < 0 ? null : nearestMarkRow(u, data, leftPx);
          if (data === null || row === null) tip.hidden = true;
          else showTooltip(tip, u, data, row);
        },
      ],
    },
  };
}

/** The selected series over the chosen range, anomalies as red markers; follows the container's width. */
export function Chart({ query, anomalies }: ChartProps): VNode {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef<ChartData | null>(null);

  useEffect(() => {
    const host = hostRef.current!;
    // Owned by uPlot's overlay, not by Preact, so it positions in plot coordinates.
    const tip = document.createElement('div');
    tip.className = 'chart-tip';
    tip.hidden = true;
    const data = buildChartData(query, anomalies);
    dataRef.current = data;
    const plot = new uPlot(makeOptions(host.clientWidth, dataRef, tip), toAligned(data), host);
    plot.setScale('x', { min: query.fromMs, max: query.toMs });
    plot.over.append(tip);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => {
      const widthPx = host.clientWidth;
      if (widthPx > 0 && widthPx !== plot.width) plot.setSize({ width: widthPx, height: PLOT_HEIGHT_PX });
    });
    observer.observe(host);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, []);

  useEffect(() => {
    const plot = plotRef.current;
    if (plot === null) return;
    const data = buildChartData(query, anomalies);
    dataRef.current = data;
    plot.batch(() => {
      plot.setData(toAligned(data));
      // Show the whole requested range, not just the span that has points.
      plot.setScale('x', { min: query.fromMs, max: query.toMs });
    });
  }, [query, anomalies]);

  return html`<div class="chart" data-testid="chart" ref=${hostRef}></div>`;
}
