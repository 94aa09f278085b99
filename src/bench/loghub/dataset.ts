import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvColumns } from './csv.js';

/** One system of Loghub-2.0's 2k samples: message contents and their corrected true templates. */
export interface LoghubSystem {
  readonly name: string;
  readonly contents: readonly string[];
  readonly templates: readonly string[];
}

export function structuredFile(dataDir: string, system: string): string {
  return join(dataDir, system, `${system}_2k.log_structured_corrected.csv`);
}

/** Every `<System>/<System>_2k.log_structured_corrected.csv` under the directory, by system name. */
export function loadLoghubSystems(dataDir: string): LoghubSystem[] {
  if (!existsSync(dataDir)) throw new Error(`cannot read Loghub data ${dataDir}: no such directory`);
  const names = readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(structuredFile(dataDir, e.name)))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new Error(`cannot read Loghub data ${dataDir}: no <System>/<System>_2k.log_structured_corrected.csv found`);
  return names.map((name) => {
    const file = structuredFile(dataDir, name);
    const [contents, templates] = csvColumns(readFileSync(file, 'utf8'), ['Content', 'EventTemplate'], file) as [string[], string[]];
    return { name, contents, templates };
  });
}
