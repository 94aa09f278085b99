import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AnomalyItem, EventItem, QueryResult } from './api.js';
import type { ChartData } from './chart-data.js';
import { buildChartData } from './chart-data.js';
import { eventColor, eventLabel, eventsNear } from './chart-events.js';
import { formatScore, formatTime, formatValue } from './format.js';

const LINE_COLOR = '#2563eb';
const ANOMALY_COLOR = '#dc2626';
const PLOT_HEIGHT_PX = 320;
/** How close (CSS px along x) the pointer must be to a marker to show its details. */
const HIT_RADIUS_PX = 12;
/** Longest description shown in an event's tooltip, in characters. */
const TIP_DESCRIPTION_CHARS = 120;
/** Most events listed in one tooltip; the rest are counted. */
const TIP_MAX_EVENTS = 5;

export interface ChartProps {
  readonly query: QueryResult;
  readonly anomalies: readonly AnomalyItem[];
  /** Deploys, config changes and other events, drawn as dashed vertical lines. */
  readonly events: readonly EventItem[];
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

/** Places the tooltip beside x position `leftPx` (CSS px in the plot), flipped left near the right edge. */
function placeTooltip(tip: HTMLDivElement, u: uPlot, leftPx: number, topPx: number): void {
  const overWidthPx = u.over.clientWidth;
  tip.style.left = leftPx > overWidthPx / 2 ? '' : `${leftPx + 10}px`;
  tip.style.right = leftPx > overWidthPx / 2 ? `${overWidthPx - leftPx + 10}px` : '';
  tip.style.top = `${Math.max(0, topPx)}px`;
  tip.hidden = false;
}

/** Fills the tooltip with text nodes only: series keys and detector names come from the network. */
function showTooltip(tip: HTMLDivElement, u: uPlot, data: ChartData, row: number): void {
  const found = data.anomaliesAt[row]!;
  tip.replaceChildren();
  tip.classList.remove('chart-tip-event');
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
  placeTooltip(tip, u, u.valToPos(data.timestampsMs[row]!, 'x'), u.valToPos(data.marks[row]!, 'y') - 10);
}

/** Event details as text nodes only: every field comes from the network. */
function showEventTooltip(tip: HTMLDivElement, u: uPlot, events: readonly EventItem[]): void {
  tip.replaceChildren();
  tip.classList.add('chart-tip-event');
  const title = document.createElement('div');
  title.className = 'tip-title';
  title.textContent = formatTime(events[0]!.timestampMs);
  tip.append(title);
  for (const event of events.slice(0, TIP_MAX_EVENTS)) {
    const block = document.createElement('div');
    block.className = 'tip-event';
    block.style.borderLeftColor = eventColor(event.type);
    appendLine(block, 'event', eventLabel(event));
    if (event.description !== null && event.description !== '') {
      const text = event.description.length > TIP_DESCRIPTION_CHARS ? `${event.description.slice(0, TIP_DESCRIPTION_CHARS)}…` : event.description;
      appendLine(block, 'about', text);
    }
    tip.append(block);
  }
  if (events.length > TIP_MAX_EVENTS) {
    const more = document.createElement('div');
    more.className = 'tip-label';
    more.textContent = `and ${events.length - TIP_MAX_EVENTS} more`;
    tip.append(more);
  }
  placeTooltip(tip, u, u.valToPos(events[0]!.timestampMs, 'x'), 4);
}

/**
 * Draws each event as a dashed vertical line in its type's colour, with its type written at the top
 * where it does not overlap the previous label. Runs in uPlot's draw hook, so it follows zoom and resize.
 */
function drawEvents(u: uPlot, events: readonly EventItem[]): void {
  if (events.length === 0) return;
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const ratio = uPlot.pxRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.lineWidth = Math.max(1, ratio);
  ctx.setLineDash([4 * ratio, 3 * ratio]);
  ctx.font = `${11 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  let labelEndPx = -Infinity;
  for (const event of events) {
    const xPx = Math.round(u.valToPos(event.timestampMs, 'x', true)) + 0.5;
    if (xPx < left || xPx > left + width) continue;
    const color = eventColor(event.type);
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(xPx, top);
    ctx.lineTo(xPx, top + height);
    ctx.stroke();
    const label = event.type;
    const labelWidthPx = ctx.measureText(label).width;
    const labelLeftPx = xPx + 3 * ratio;
    if (labelLeftPx > labelEndPx && labelLeftPx + labelWidthPx <= left + width) {
      ctx.fillStyle = color;
      ctx.fillText(label, labelLeftPx, top + 2 * ratio);
      labelEndPx = labelLeftPx + labelWidthPx + 4 * ratio;
    }
  }
  ctx.restore();
}

function makeOptions(
  widthPx: number,
  dataRef: { current: ChartData | null },
  eventsRef: { current: readonly EventItem[] },
  tip: HTMLDivElement,
): uPlot.Options {
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
      draw: [(u) => drawEvents(u, eventsRef.current)],
      setCursor: [
        (u) => {
          const data = dataRef.current;
          const leftPx = u.cursor.left;
          const row = data === null || leftPx === undefined || leftPx < 0 ? null : nearestMarkRow(u, data, leftPx);
          if (data !== null && row !== null) {
            showTooltip(tip, u, data, row);
            return;
          }
          // Anomaly markers win; otherwise an event line near the pointer shows its details.
          const near = leftPx === undefined || leftPx < 0 ? [] : eventsNear(eventsRef.current, leftPx, HIT_RADIUS_PX, (ms) => u.valToPos(ms, 'x'));
          if (near.length > 0) showEventTooltip(tip, u, near);
          else tip.hidden = true;
        },
      ],
    },
  };
}

/**
 * The selected series over the chosen range, anomalies as red markers and events as dashed lines;
 * follows the container's width.
 */
export function Chart({ query, anomalies, events }: ChartProps): VNode {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef<ChartData | null>(null);
  const eventsRef = useRef<readonly EventItem[]>(events);

  useEffect(() => {
    const host = hostRef.current!;
    // Owned by uPlot's overlay, not by Preact, so it positions in plot coordinates.
    const tip = document.createElement('div');
    tip.className = 'chart-tip';
    tip.hidden = true;
    const data = buildChartData(query, anomalies);
    dataRef.current = data;
    const plot = new uPlot(makeOptions(host.clientWidth, dataRef, eventsRef, tip), toAligned(data), host);
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
    eventsRef.current = events;
    plot.batch(() => {
      plot.setData(toAligned(data));
      // Show the whole requested range, not just the span that has points.
      plot.setScale('x', { min: query.fromMs, max: query.toMs });
    });
  }, [query, anomalies, events]);

  return html`<div class="chart" data-testid="chart" data-event-count=${events.length} ref=${hostRef}></div>`;
}
