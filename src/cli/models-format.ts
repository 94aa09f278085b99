import type { ArmReport, ComparisonReport } from '../ml/serve/index.js';
import type { AliasChange, AuditEntry, JsonValue, ModelAlias, ModelDetail, ModelSummary, ModelVersion, ModelVersionDetail, Rollout, RolloutChange } from '../ml/registry/index.js';
import { MODEL_ALIASES } from '../ml/registry/index.js';

/** Metrics shown in a table row; the rest are in `show NAME VERSION` and --json. */
const TABLE_METRICS = 3;

/** `vigil models list`: one row per model, its latest version's kind, creation and metrics, and where the aliases point (staging with its rollout unless off). */
export function formatModelList(models: readonly ModelSummary[]): string {
  if (models.length === 0) return 'no models registered\n';
  const rows = models.map((m) => [
    m.name,
    String(m.latestVersion),
    m.latest.kind,
    formatTime(m.latest.createdAtMs),
    m.latest.creator,
    ...MODEL_ALIASES.map((a) => aliasCell(m.aliases[a]) + (a === 'staging' ? rolloutSuffix(m.rollout, shortRollout) : '')),
    metricsCell(m.latest.metrics, TABLE_METRICS),
  ]);
  return table([['MODEL', 'LATEST', 'KIND', 'CREATED', 'CREATOR', ...MODEL_ALIASES.map((a) => a.toUpperCase()), 'METRICS'], ...rows]);
}

/** `vigil models show NAME`: the aliases, then one row per version, newest first. */
export function formatModelDetail(model: ModelDetail): string {
  const aliases = MODEL_ALIASES.map((a) => `${a} -> ${model.aliases[a] ?? 'none'}${a === 'staging' ? rolloutSuffix(model.rollout, describeRollout) : ''}`).join(', ');
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
    ...(v.trainingData.columns === undefined ? [] : [['columns', v.trainingData.columns.join(', ')] as [string, string]]),
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

/** "checkout-latency: staging v4 now canary on 10% of series (was shadow)". */
export function formatRolloutChange(change: RolloutChange): string {
  const staging = `${change.model}: staging v${change.stagingVersion}`;
  if (!change.changed) return `${staging} already ${describeRollout(change.to)}; nothing changed\n`;
  return `${staging} now ${describeRollout(change.to)} (was ${describeRollout(change.from)})\n`;
}

/** "off", "shadow", "canary on 10% of series". */
export function describeRollout(rollout: Rollout): string {
  return rollout.mode === 'canary' ? `canary on ${formatShare(rollout.share)} of series` : rollout.mode;
}

/** `vigil models audit`: one line per change, oldest first. */
export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no changes recorded\n';
  const rows = entries.map((e) => [formatTime(e.timeMs), e.actor, e.action, e.model, e.alias ?? '-', changeCell(e)]);
  return table([['TIME', 'ACTOR', 'ACTION', 'MODEL', 'ALIAS', 'CHANGE'], ...rows]);
}

function changeCell(e: AuditEntry): string {
  if (e.action === 'register') return `version ${e.toVersion}`;
  if (e.action === 'rollout') return `version ${e.toVersion} ${e.rollout === undefined ? '?' : describeRollout(e.rollout)}`;
  return `${e.fromVersion ?? 'none'} -> ${e.toVersion}`;
}

/** " (canary 10%)" after the staging version; nothing while off. */
function rolloutSuffix(rollout: Rollout, describe: (r: Rollout) => string): string {
  return rollout.mode === 'off' ? '' : ` (${describe(rollout)})`;
}

/** "shadow", "canary 10%": for a table cell. */
function shortRollout(rollout: Rollout): string {
  return rollout.mode === 'canary' ? `canary ${formatShare(rollout.share)}` : rollout.mode;
}

/** 0.1 → "10%", 0.005 → "0.5%": a percentage to 4 significant digits. */
function formatShare(share: number): string {
  return `${Number((share * 100).toPrecision(4))}%`;
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

function rate(value: number | null): string {
  return value === null ? '-' : `${Number((value * 100).toPrecision(3))}%`;
}

function figure(value: number | null): string {
  return value === null ? '-' : Number(value.toPrecision(4)).toString();
}

/** The comparison report as a small table and the verdict with its reasons. */
export function formatComparison(report: ComparisonReport): string {
  const lines: string[] = [];
  const how = report.mode === 'shadow' ? 'staging in shadow' : report.mode === 'canary' ? `staging as canary on ${rate(report.share)} of series` : 'no rollout';
  const since = report.sinceMs === null ? 'no points yet' : `since ${new Date(report.sinceMs).toISOString()}`;
  lines.push(`${report.model}: ${how}, ${since}${report.partitionsBehind > 0 ? ` (${report.partitionsBehind} partition(s) still on an older plan, left out)` : ''}`);
  lines.push(`  ${'version'.padEnd(14)}${'series'.padStart(8)}${'points'.padStart(10)}${'alert rate'.padStart(12)}${'live MAE'.padStart(12)}${'held-out loss'.padStart(15)}`);
  const row = (label: string, arm: ArmReport | null): void => {
    if (arm === null) return;
    lines.push(`  ${`${label} v${arm.version}`.padEnd(14)}${String(arm.series).padStart(8)}${String(arm.points).padStart(10)}${rate(arm.alertRate).padStart(12)}${figure(arm.meanAbsError).padStart(12)}${figure(arm.heldOutLoss).padStart(15)}`);
  };
  row('production', report.production);
  row('staging', report.candidate);
  const a = report.agreement;
  if (a !== null) lines.push(`  agreement on ${a.points} points: alerts ${rate(a.alertAgreement)} (both ${a.bothAlerted}, production only ${a.productionOnly}, staging only ${a.candidateOnly}), score correlation ${figure(a.scoreCorrelation)}`);
  const g = report.groups;
  if (g.rowsJudged + g.rowsSkipped + g.latePoints > 0) lines.push(`  group rows: ${g.rowsJudged} judged (${g.rowsCarried} with a silent series carried), ${g.rowsSkipped} skipped, ${g.latePoints} late points`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  lines.push(`  verdict: ${report.verdict}`);
  for (const reason of report.reasons) lines.push(`    - ${reason}`);
  return `${lines.join('\n')}\n`;
}
