/**
 * Why a registry call failed, so that callers (the HTTP API) can answer with the right status without
 * parsing messages: `not_found` (no such model, version or alias target), `invalid` (a bad name, alias,
 * version, request or artifact), `busy` (another process held the registry lock too long).
 */
export type ModelRegistryErrorReason = 'not_found' | 'invalid' | 'busy';

/** Every error the registry throws on purpose; the message reads `cannot <verb> <object>: <cause>`. */
export class ModelRegistryError extends Error {
  constructor(
    readonly reason: ModelRegistryErrorReason,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelRegistryError';
  }
}
