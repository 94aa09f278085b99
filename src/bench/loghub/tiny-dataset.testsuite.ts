import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function writeSystem(dir: string, name: string, rows: readonly (readonly [string, string])[]): void {
  mkdirSync(join(dir, name));
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  const body = rows.map(([content, template], i) => `${i + 1},${quote(content)},E${template.length},${quote(template)}`).join('\n');
  writeFileSync(join(dir, name, `${name}_2k.log_structured_corrected.csv`), `LineId,Content,EventId,EventTemplate\n${body}\n`);
}

/** Two small systems in Loghub-2.0's layout under `dir`: Alpha (3 lines, 2 templates) and Beta (4 lines, 3 templates). */
export function writeTinyLoghub(dir: string): void {
  writeSystem(dir, 'Alpha', [
    ['Connection from 10.0.0.1 closed', 'Connection from <*> closed'],
    ['Connection from 10.0.0.2 closed', 'Connection from <*> closed'],
    ['Disk /dev/sda1 is full', 'Disk <*> is full'],
  ]);
  writeSystem(dir, 'Beta', [
    ['job 17 started', 'job <*> started'],
    ['job 18 started', 'job <*> started'],
    ['job 18 finished, code=0', 'job <*> finished, code=<*>'],
    ['shutting down now', 'shutting down'],
  ]);
}
