import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type VigilConfig } from './schema.js';

/** One problem found in a configuration: the dotted field path, the line in the file when known, and why. */
export interface ConfigIssue {
  readonly field: string;
  readonly line: number | null;
  readonly message: string;
}

/** A configuration that cannot be used; `issues` names every bad field. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`cannot load config ${source}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? '' : ` (line ${issue.line})`;
  return `  ${issue.field || '<root>'}${where}: ${issue.message}`;
}

/** A partial configuration used for overrides: nested objects of the config's shape. */
export type ConfigOverrides = { readonly [key: string]: unknown };

/**
 * Builds the effective configuration: schema defaults, then the YAML file (if any), then overrides
 * (environment and command-line flags), validated once by the schema.
 */
export function loadConfig(options: { file?: string; overrides?: readonly ConfigOverrides[] } = {}): VigilConfig {
  let raw: unknown = {};
  let doc: Document | null = null;
  let lines: LineCounter | null = null;
  const source = options.file ?? '<defaults>';
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(source, [{ field: '', line: null, message: `cannot read file: ${(err as Error).message}` }]);
    }
    lines = new LineCounter();
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        source,
        doc.errors.map((e) => ({ field: '', line: e.linePos?.[0]?.line ?? null, message: `invalid YAML: ${e.message.split('\n')[0]}` })),
      );
    }
    raw = doc.toJS() ?? {};
  }
  for (const override of options.overrides ?? []) raw = mergeDeep(raw, override);
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, result.error.issues.map((i) => toIssue(i, doc, lines)));
  return result.data;
}

function toIssue(issue: z.core.$ZodIssue, doc: Document | null, lines: LineCounter | null): ConfigIssue {
  const path = issue.path.map(String);
  // Zod reports unknown keys on the parent object; name the key itself so the user sees which one.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = keys.length === 1 ? [...path, keys[0]!].join('.') : path.join('.');
  const message = issue.code === 'unrecognized_keys' ? `unknown field${keys.length > 1 ? `s ${keys.join(', ')}` : ''}` : issue.message;
  return { field, line: lineOf(doc, lines, keys.length === 1 ? [...path, keys[0]!] : path), message };
}

function lineOf(doc: Document | null, lines: LineCounter | null, path: readonly string[]): number | null {
  if (doc === null || lines === null) return null;
  let node: unknown = doc.contents;
  let offset: number | null = null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value) === key);
      if (pair === undefined) break;
      offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)] as { range?: [number, number, number] } | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === null ? null : lines.linePos(offset).line;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeDeep(base: unknown, override: ConfigOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) ? mergeDeep(out[key], value) : value;
  }
  return out;
}
