export type { ChangePointMethod, MultiSeries } from './method.js';
export { CHANGE_POINT_METHODS, CHANGE_POINT_METHOD_IDS, DEFAULT_CHANGE_POINT_METHOD_ID, changePointMethod } from './methods.js';
export { waldBinarySegmentation } from './wald-binseg.js';
export type { Break, BreakKind, BreakTestParams } from './break-test.js';
export { DEFAULT_BREAK_TEST } from './break-test.js';
