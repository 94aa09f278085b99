import type { AliasChange, AuditEntry, JsonValue, ModelAlias, ModelDetail, ModelSummary, ModelVersion, ModelVersionDetail } from '../ml/registry/index.js';
import { MODEL_ALIASES } from '../ml/registry/index.js';

/** Metrics shown in a table row; the rest are in `show NAME VERSION` and --json. */
const TABLE_METRICS = 3;

/** `vigil models list`: one row per model, its latest version's kind, creation and metrics, and where the aliases point. */
export function formatModelList(models: readonly ModelSummary[]): string {
  if (models.length === 0) return 'no models registered\n';
  const rows = models.map((m) => [m.name, String(m.latestVersion), m.latest.kind, formatTime(m.latest.createdAtMs), m.latest.creator, ...MODEL_ALIASES.map((a) => aliasCell(m.aliases[a])), metricsCell(m.latest.metrics, TABLE_METRICS)]);
  return table([['MODEL', 'LATEST', 'KIND', 'CREATED', 'CREATOR', ...MODEL_ALIASES.map((a) => a.toUpperCase()), 'METRICS'], ...rows]);
}

/** `vigil models show NAME`: the aliases, then one row per version, newest first. */
export function formatModelDetail(model: ModelDetail): string {
  const aliases = MODEL_ALIASES.map((a) => `${a} -> ${model.aliases[a] ?? 'none'}`).join(', ');
  const count = model.versions.length;
  const header = `${model.name}: ${count} version${count === 1 ? '' : 's'}; ${aliases}\n`;
  const rows = [...model.versions].reverse().map((v) => [String(v.version), v.kind, formatTime(v.createdAtMs), v.creator, aliasesOf(model, v.version).join(',') || '-', metricsCell(v.metrics, TABLE_METRICS)]);
  return header + table([['VERSION', 'KIND', 'CREATED', 'CREATOR', 'ALIASES', 'METRICS'], ...rows]);
}

/** `vigil models show NAME VERSION`: every field of one version, and its files with checksums. */
export function formatModelVersion(v: ModelVersionDetail): string {
  const fields: [string, string][] = [
    ['kind', v.kind],
    ['created', `${formatTime(v.createdAtMs)} by ${v.creator}`],
    ['training data', `${v.trainingData.source}, ${formatTime(v.trainingData.fromMs)} to ${formatTime(v.trainingData.toMs)}`],
    ['metrics', metricsCell(v.metrics, Number.POSITIVE_INFINITY)],
    ['parameters', formatParameters(v.parameters)],
    ['artifact', `${v.artifact.files.length} file${v.artifact.files.length === 1 ? '' : 's'}, ${formatBytes(v.artifact.sizeBytes)}`],
  ];
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  const aliases = v.aliases.length === 0 ? '' : ` (${v.aliases.join(', ')})`;
  const files = v.artifact.files.map((f) => `  ${f.path}  ${formatBytes(f.sizeBytes)}  sha256 ${f.sha256}`);
  return [`${v.name} version ${v.version}${aliases}`, ...fields.map(([k, value]) => `${`${k}:`.padEnd(width)} ${value}`), ...files].join('\n') + '\n';
}

export function formatAliasChange(change: AliasChange, action: 'promote' | 'rollback'): string {
  if (!change.changed) return `${change.model} ${change.alias} already points to version ${change.toVersion}; nothing changed\n`;
  const what = action === 'promote' ? 'promoted' : 'rolled back';
  return `${change.model} ${change.alias} ${what}: version ${change.fromVersion ?? 'none'} -> ${change.toVersion}\n`;
}

/** `vigil models audit`: one line per change, oldest first. */
export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no changes recorded\n';
  const rows = entries.map((e) => [formatTime(e.timeMs), e.actor, e.action, e.model, e.alias ?? '-', e.action === 'register' ? `version ${e.toVersion}` : `${e.fromVersion ?? 'none'} -> ${e.toVersion}`]);
  return table([['TIME', 'ACTOR', 'ACTION', 'MODEL', 'ALIAS', 'CHANGE'], ...rows]);
}

function aliasesOf(model: ModelDetail, version: number): ModelAlias[] {
  return MODEL_ALIASES.filter((a) => model.aliases[a] === version);
}

function aliasCell(version: number | null): string {
  return version === null ? '-' : String(version);
}

/** "finalLoss=0.0123 heldOutMae=4.5 …", numbers to 4 significant digits. */
function metricsCell(metrics: ModelVersion['metrics'], most: number): string {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return '-';
  const shown = entries.slice(0, most).map(([k, v]) => `${k}=${Number(v.toPrecision(4))}`);
  return entries.length > most ? `${shown.join(' ')} …` : shown.join(' ');
}

function formatParameters(parameters: { readonly [key: string]: JsonValue }): string {
  const text = JSON.stringify(parameters);
  return text === '{}' ? '-' : text;
}

/** UTC to the second: "2024-06-01 12:00:00Z". */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}
