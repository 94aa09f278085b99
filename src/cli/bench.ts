import { join } from 'node:path';
import { formatIngestResult, runIngestBench } from '../bench/index.js';
import { PACKAGE_ROOT } from '../server/index.js';

export interface IngestBenchFlags {
  readonly series: number;
  readonly pointsPerSeries: number;
  readonly connections: number;
  readonly detection: boolean;
  readonly json: boolean;
  readonly data?: string;
}

export async function benchIngestCommand(flags: IngestBenchFlags): Promise<void> {
  const result = await runIngestBench({
    binPath: join(PACKAGE_ROOT, 'bin', 'vigil.js'),
    series: flags.series,
    pointsPerSeries: flags.pointsPerSeries,
    connections: flags.connections,
    detection: flags.detection,
    ...(flags.data === undefined ? {} : { data: flags.data }),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${formatIngestResult(result)}\n`);
}
