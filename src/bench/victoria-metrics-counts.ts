/** The insert handler counters of VictoriaMetrics this benchmark loads through. */
export type VictoriaMetricsIngestType = 'graphite' | 'promremotewrite';

/**
 * Where the rows VictoriaMetrics took stand, read from its /metrics page. A row is one point.
 * - `inserted`: parsed by the insert handler and handed to storage (in memory; a remote write
 *   request is answered once its rows are here);
 * - `searchable`: in parts that queries read (in-memory parts and part files), which buffered rows
 *   join about every 2 s;
 * - `onDisk`: in part files, which in-memory parts join every `-inmemoryDataFlushInterval` (5 s by
 *   default): what survives the process being killed.
 */
export interface VictoriaMetricsCounts {
  readonly inserted: number;
  readonly searchable: number;
  readonly onDisk: number;
  /** Series created since start (`vm_new_timeseries_created_total`). */
  readonly seriesCreated: number;
}

/** Values of the samples on a Prometheus text page, by name and labels as written (`vm_rows{type="storage/big"}`). */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** The counts of one /metrics page; throws naming the first sample that is missing or not a number. */
export function parseVictoriaMetricsCounts(text: string, ingestType: VictoriaMetricsIngestType): VictoriaMetricsCounts {
  const samples = samplesOf(text);
  const value = (name: string): number => {
    const v = samples.get(name);
    if (v === undefined || !Number.isFinite(v)) throw new Error(`cannot read VictoriaMetrics metrics: ${name} is ${v === undefined ? 'missing' : 'not a number'}`);
    return v;
  };
  const inMemory = value('vm_rows{type="storage/inmemory"}');
  const onDisk = value('vm_rows{type="storage/small"}') + value('vm_rows{type="storage/big"}');
  return {
    inserted: value(`vm_rows_inserted_total{type="${ingestType}"}`),
    searchable: inMemory + onDisk,
    onDisk,
    seriesCreated: value('vm_new_timeseries_created_total'),
  };
}
