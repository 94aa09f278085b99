export { VigilServer } from './server.js';
export type { ServerOptions, ServerAddresses } from './server.js';
export { readVersion, PACKAGE_ROOT } from '../util/index.js';
