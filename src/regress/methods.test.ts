import { describe, expect, it } from 'vitest';
import { changePointMethodSuite } from './method.testsuite.js';
import { CHANGE_POINT_METHODS, CHANGE_POINT_METHOD_IDS, DEFAULT_CHANGE_POINT_METHOD_ID, changePointMethod } from './methods.js';

for (const method of CHANGE_POINT_METHODS) describe(`change-point method ${method.id}`, () => changePointMethodSuite(method));

describe('change-point method registry', () => {
  it('has unique ids, the default first, and names the valid ids for an unknown one', () => {
    expect(new Set(CHANGE_POINT_METHOD_IDS).size).toBe(CHANGE_POINT_METHOD_IDS.length);
    expect(CHANGE_POINT_METHOD_IDS[0]).toBe(DEFAULT_CHANGE_POINT_METHOD_ID);
    expect(changePointMethod('pelt').id).toBe('pelt');
    expect(() => changePointMethod('nope')).toThrow(/unknown change-point method "nope": use one of wald-binseg, pelt/);
  });
});
