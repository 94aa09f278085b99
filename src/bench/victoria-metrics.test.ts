import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGoModDownload, parseVictoriaMetricsVersion, prepareVictoriaMetrics, VICTORIA_METRICS_VERSION } from './victoria-metrics-build.js';
import { parseVictoriaMetricsCounts } from './victoria-metrics-counts.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-vm-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An excerpt of a VictoriaMetrics v1.122.0 /metrics page, two rows in memory after a Graphite insert. */
const METRICS_PAGE = `# a comment line
vm_rows_inserted_total{type="graphite"} 2
vm_rows_inserted_total{type="promremotewrite"} 0
vm_rows_invalid_total{type="graphite"} 0
vm_rows_per_insert_bucket{type="graphite",vmrange="1.896e+00...2.154e+00"} 1
vm_rows_merged_total{type="storage/inmemory"} 0
vm_pending_rows{type="storage"} 0
vm_rows_added_to_storage_total 2
vm_new_timeseries_created_total 2
vm_rows{type="storage/inmemory"} 1200000
vm_rows{type="storage/small"} 300000
vm_rows{type="storage/big"} 40
vm_rows{type="indexdb/inmemory"} 20
vm_rows{type="indexdb/file"} 0
`;

describe('VictoriaMetrics metrics page', () => {
  it('reads inserted rows of the protocol asked for, rows in parts (searchable), rows in part files (on disk) and series', () => {
    expect(parseVictoriaMetricsCounts(METRICS_PAGE, 'graphite')).toEqual({ inserted: 2, searchable: 1_500_040, onDisk: 300_040, seriesCreated: 2 });
    expect(parseVictoriaMetricsCounts(METRICS_PAGE, 'promremotewrite').inserted).toBe(0);
  });

  it('names a sample that is missing or not a number', () => {
    expect(() => parseVictoriaMetricsCounts(METRICS_PAGE.replace(/^vm_rows\{type="storage\/big"\}.*$/m, ''), 'graphite')).toThrow('cannot read VictoriaMetrics metrics: vm_rows{type="storage/big"} is missing');
    expect(() => parseVictoriaMetricsCounts(METRICS_PAGE.replace('vm_new_timeseries_created_total 2', 'vm_new_timeseries_created_total x'), 'graphite')).toThrow(
      'cannot read VictoriaMetrics metrics: vm_new_timeseries_created_total is not a number',
    );
  });
});

describe('VictoriaMetrics build', () => {
  it('reads the release from -version output, and nothing from other text', () => {
    expect(parseVictoriaMetricsVersion('victoria-metrics-v1.122.0\n')).toBe('v1.122.0');
    expect(parseVictoriaMetricsVersion('2026/01/01 ERROR: metrics: disable exposing PSI metrics\nvictoria-metrics-20250704-101010-tags-v1.121.0-0-g1234\n')).toBe('20250704-101010-tags-v1.121.0-0-g1234');
    expect(parseVictoriaMetricsVersion('flag provided but not defined: -version\n')).toBeNull();
  });

  it('takes the source folder from go mod download -json, and reports its Error field', () => {
    const ok = JSON.stringify({ Path: 'github.com/VictoriaMetrics/VictoriaMetrics', Version: 'v1.122.0', Dir: '/root/go/pkg/mod/github.com/!victoria!metrics/!victoria!metrics@v1.122.0', Sum: 'h1:x' }, null, '\t');
    expect(parseGoModDownload(ok)).toBe('/root/go/pkg/mod/github.com/!victoria!metrics/!victoria!metrics@v1.122.0');
    const failed = JSON.stringify({ Path: 'github.com/VictoriaMetrics/VictoriaMetrics', Version: 'v9.9.9', Error: 'github.com/VictoriaMetrics/VictoriaMetrics@v9.9.9: reading https://proxy.example/@v/v9.9.9.info: 404 Not Found' });
    expect(() => parseGoModDownload(failed)).toThrow(/^cannot download github.com\/VictoriaMetrics\/VictoriaMetrics: .*404 Not Found$/);
    expect(() => parseGoModDownload('go: no such command')).toThrow(/^cannot read go mod download output: /);
    expect(() => parseGoModDownload('{"Path":"x"}')).toThrow('cannot read go mod download output: no Dir');
  });

  it('is skipped with one line naming Go when there is no go command, and leaves no binary behind', () => {
    const vmDir = join(dir, 'vm');
    const outcome = prepareVictoriaMetrics({ dir: vmDir, goBinary: join(dir, 'no-such-go') });
    expect(outcome).toEqual({ skipped: `Go is not installed (no ${join(dir, 'no-such-go')} on PATH); VictoriaMetrics is built from source with it` });
    expect(existsSync(vmDir) ? readdirSync(vmDir) : []).toEqual([]);
    expect(VICTORIA_METRICS_VERSION).toMatch(/^v1\.\d+\.\d+$/);
  });
});
