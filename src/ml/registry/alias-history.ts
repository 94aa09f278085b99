import type { AuditEntry, ModelAlias } from './types.js';

/**
 * Where a rollback of `alias` goes, from the audit log: the version the alias pointed to before its latest
 * promotion that has not been rolled back yet. Promotions push the version they replaced; rollbacks pop,
 * so rolling back twice after promoting 1, 2, 3 goes to 2, then to 1 (not back and forth between 3 and 2).
 * Null when there is nothing to go back to (the alias was unset before, or every promotion is undone).
 */
export function rollbackTarget(entries: readonly AuditEntry[], model: string, alias: ModelAlias): number | null {
  const replaced: (number | null)[] = [];
  for (const entry of entries) {
    if (entry.model !== model || entry.alias !== alias) continue;
    if (entry.action === 'promote') replaced.push(entry.fromVersion);
    else if (entry.action === 'rollback') replaced.pop();
  }
  return replaced.length === 0 ? null : replaced[replaced.length - 1]!;
}
