import { ConfigError, loadConfig, type ConfigIssue, type VigilConfig } from '../config/index.js';
import { BUILTIN_DETECTORS, DetectorRegistry } from '../detect/index.js';
import { ModelServing } from '../ml/serve/index.js';
import { globToRegExp } from '../util/index.js';

/** Detector ids, parameters and rule globs are validated by detection itself, so check them here too. */
export function detectorIssues(config: VigilConfig): ConfigIssue[] {
  // The model detector's params are checked here; whether the model is registered is the server's concern (it may be trained later).
  const registry = new DetectorRegistry([...BUILTIN_DETECTORS, ...new ModelServing(config.detection.scoreThreshold).detectors]);
  const issues: ConfigIssue[] = [];
  const check = (field: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (err) {
      issues.push({ field, line: null, message: (err as Error).message });
    }
  };
  const checkSet = (field: string, uses: VigilConfig['detection']['detectors']): void => {
    uses.forEach((use, i) => check(`${field}.${i}`, () => registry.get(use.id).parseParams(use.params)));
  };
  checkSet('detection.detectors', config.detection.detectors);
  config.detection.rules.forEach((rule, r) => {
    check(`detection.rules.${r}.match`, () => globToRegExp(rule.match));
    checkSet(`detection.rules.${r}.detectors`, rule.detectors);
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
