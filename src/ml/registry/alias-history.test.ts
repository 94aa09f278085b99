import { describe, expect, it } from 'vitest';
import { rollbackTarget } from './alias-history.js';
import type { AuditEntry } from './types.js';

function change(action: 'promote' | 'rollback', fromVersion: number | null, toVersion: number, alias: 'staging' | 'production' = 'production', model = 'm'): AuditEntry {
  return { id: `${action}-${toVersion}`, timeMs: 0, actor: 'a', action, model, version: toVersion, alias, fromVersion, toVersion };
}

describe('rollbackTarget', () => {
  it('undoes promotions newest first, ignoring other aliases, models and registers', () => {
    const entries: AuditEntry[] = [
      { id: 'r', timeMs: 0, actor: 'a', action: 'register', model: 'm', version: 1, alias: null, fromVersion: null, toVersion: 1 },
      change('promote', null, 1),
      change('promote', 1, 2),
      change('promote', null, 2, 'staging'),
      change('promote', null, 9, 'production', 'other'),
      change('promote', 2, 3),
    ];
    expect(rollbackTarget(entries, 'm', 'production')).toBe(2);
    const once = [...entries, change('rollback', 3, 2)];
    expect(rollbackTarget(once, 'm', 'production')).toBe(1);
    const twice = [...once, change('rollback', 2, 1)];
    expect(rollbackTarget(twice, 'm', 'production')).toBeNull();
    expect(rollbackTarget(entries, 'm', 'staging')).toBeNull();
    expect(rollbackTarget([], 'm', 'production')).toBeNull();
  });

  it('ignores rollout entries, which sit on the staging alias without moving it', () => {
    const rollout: AuditEntry = { id: 'ro', timeMs: 0, actor: 'a', action: 'rollout', model: 'm', version: 2, alias: 'staging', fromVersion: 2, toVersion: 2, rollout: { mode: 'shadow' } };
    const entries: AuditEntry[] = [change('promote', null, 1, 'staging'), change('promote', 1, 2, 'staging'), rollout, { ...rollout, id: 'ro2', rollout: { mode: 'off' } }];
    expect(rollbackTarget(entries, 'm', 'staging')).toBe(1);
    expect(rollbackTarget([...entries, change('rollback', 2, 1, 'staging'), rollout], 'm', 'staging')).toBeNull();
  });
});
