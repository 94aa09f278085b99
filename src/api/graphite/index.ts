export { registerGraphiteRoutes } from './routes.js';
export type { GraphiteDeps } from './routes.js';
export { DEFAULT_GRAPHITE_API_OPTIONS, resolveGraphiteOptions } from './options.js';
export type { GraphiteApiOptions } from './options.js';
export { parseTarget, TargetSyntaxError } from './expression.js';
export type { Expr, PathExpr, CallExpr, Arg, Literal, KeywordArg } from './expression.js';
export { parseAtTimeSec, parseTimeOffsetSec, TimeFormatError } from './attime.js';
export { GRAPHITE_FUNCTIONS, FunctionRegistry } from './functions/registry.js';
export type { GraphiteFunction, ParamSpec, ParamType } from './function-types.js';
