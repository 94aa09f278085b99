import { BINSEG_METHOD } from './binseg.js';
import { BOCPD_METHOD } from './bocpd.js';
import { E_DIVISIVE_METHOD } from './e-divisive.js';
import type { ChangePointMethod } from './method.js';
import { PELT_METHOD } from './pelt.js';
import { WALD_BINSEG_METHOD } from './wald-binseg.js';

/** Every built-in offline change-point method; the first is the default. */
export const CHANGE_POINT_METHODS: readonly ChangePointMethod[] = [WALD_BINSEG_METHOD, PELT_METHOD, BINSEG_METHOD, E_DIVISIVE_METHOD, BOCPD_METHOD];

export const CHANGE_POINT_METHOD_IDS: readonly string[] = CHANGE_POINT_METHODS.map((m) => m.id);

export const DEFAULT_CHANGE_POINT_METHOD_ID = WALD_BINSEG_METHOD.id;

/** The method with this id; the error names the valid ones. */
export function changePointMethod(id: string): ChangePointMethod {
  const method = CHANGE_POINT_METHODS.find((m) => m.id === id);
  if (method === undefined) throw new Error(`unknown change-point method ${JSON.stringify(id)}: use one of ${CHANGE_POINT_METHOD_IDS.join(', ')}`);
  return method;
}
