import * as fs from 'node:fs/promises';
import { auditEntrySchema } from './schema.js';
import type { AuditEntry } from './types.js';

/** The audit log's entries in the order written, and how many lines could not be read (a torn last line after a crash). */
export interface AuditLogContent {
  readonly entries: readonly AuditEntry[];
  readonly malformedLines: number;
}

/**
 * Appends one JSON line and fsyncs it before returning, so that a change the caller saw succeed is on
 * disk. A torn line left by a crash mid-append is closed with a newline first rather than continued.
 */
export async function appendAuditEntry(file: string, entry: AuditEntry): Promise<void> {
  const handle = await fs.open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.appendFile(`${prefix}${JSON.stringify(entry)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every entry of the log; lines that are not entries are counted and skipped. A missing log has none. */
export async function readAuditLog(file: string): Promise<AuditLogContent> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], malformedLines: 0 };
    throw err;
  }
  const entries: AuditEntry[] = [];
  let malformedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if (parsed === null) malformedLines++;
    else entries.push(parsed);
  }
  return { entries, malformedLines };
}

function parseLine(line: string): AuditEntry | null {
  try {
    const result = auditEntrySchema.safeParse(JSON.parse(line));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
