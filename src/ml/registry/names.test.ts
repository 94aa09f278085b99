import { describe, expect, it } from 'vitest';
import { ModelRegistryError } from './errors.js';
import { parseRollout } from './names.js';

function failure(raw: unknown): { message: string; field: string | undefined } {
  try {
    parseRollout(raw, 'cannot roll out model m');
  } catch (err) {
    expect(err).toBeInstanceOf(ModelRegistryError);
    expect((err as ModelRegistryError).reason).toBe('invalid');
    return { message: (err as ModelRegistryError).message, field: (err as ModelRegistryError).field };
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('parseRollout', () => {
  it('reads off, shadow and canary with a share as a number, a decimal or a percentage', () => {
    expect(parseRollout({ mode: 'off' }, 'c')).toEqual({ mode: 'off' });
    expect(parseRollout({ mode: 'shadow' }, 'c')).toEqual({ mode: 'shadow' });
    expect(parseRollout({ mode: 'canary', share: 0.1 }, 'c')).toEqual({ mode: 'canary', share: 0.1 });
    expect(parseRollout({ mode: 'canary', share: '0.25' }, 'c')).toEqual({ mode: 'canary', share: 0.25 });
    expect(parseRollout({ mode: 'canary', share: ' 10% ' }, 'c')).toEqual({ mode: 'canary', share: 0.1 });
    expect(parseRollout({ mode: 'canary', share: '.5' }, 'c')).toEqual({ mode: 'canary', share: 0.5 });
    expect(parseRollout({ mode: 'canary', share: '0.5%' }, 'c')).toEqual({ mode: 'canary', share: 0.005 });
  });

  it('names the field at fault', () => {
    expect(failure({ mode: 'blue' })).toEqual({ message: 'cannot roll out model m: unknown rollout mode "blue" (use one of off, shadow, canary)', field: 'mode' });
    expect(failure({})).toEqual({ message: 'cannot roll out model m: unknown rollout mode null (use one of off, shadow, canary)', field: 'mode' });
    expect(failure(null).field).toBe('mode');
    expect(failure(['canary']).field).toBe('mode');
    expect(failure({ mode: 'canary' })).toMatchObject({ field: 'share', message: expect.stringMatching(/canary needs a share/) });
    for (const share of [0, 1, '100%', '0%', '150%', 'ten', '', '0x1', '1e-1', null, true, Number.NaN, -0.5]) {
      expect(failure({ mode: 'canary', share })).toMatchObject({ field: 'share', message: expect.stringMatching(/share must be a number between 0 and 1 exclusive/) });
    }
    expect(failure({ mode: 'off', share: 0.1 })).toEqual({ message: 'cannot roll out model m: share is only for canary, not for mode off', field: 'share' });
    expect(failure({ mode: 'canary', share: 0.1, shares: 2 })).toEqual({ message: 'cannot roll out model m: unknown rollout field "shares" (use mode, and share for canary)', field: 'shares' });
  });
});
