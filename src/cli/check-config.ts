import { ConfigError, loadConfig, type ConfigIssue, type VigilConfig } from '../config/index.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from '../detect/index.js';

/** Detector ids and parameters are validated by the detectors themselves, so check them here too. */
export function detectorIssues(config: VigilConfig): ConfigIssue[] {
  const registry = new DetectorRegistry(BUILTIN_DETECTORS);
  const issues: ConfigIssue[] = [];
  config.detection.detectors.forEach((use, i) => {
    try {
      registry.get(use.id).parseParams(use.params);
    } catch (err) {
      issues.push({ field: `detection.detectors.${i}`, line: null, message: (err as Error).message });
    }
  });
  return issues;
}

/** Validates a config file without starting anything; prints every bad field and returns the exit code. */
export function checkConfigCommand(file: string, out: NodeJS.WritableStream = process.stdout): number {
  let issues: readonly ConfigIssue[];
  try {
    issues = detectorIssues(loadConfig({ file }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues = err.issues;
  }
  if (issues.length === 0) {
    out.write(`${file}: OK\n`);
    return 0;
  }
  out.write(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n`);
  for (const i of issues) out.write(`  ${i.field || '<root>'}${i.line === null ? '' : ` (line ${i.line})`}: ${i.message}\n`);
  return 1;
}
