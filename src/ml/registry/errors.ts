/**
 * Why a registry call failed, so that callers (the HTTP API) can answer with the right status without
 * parsing messages: `not_found` (no such model, version or alias target), `invalid` (a bad name, alias,
 * version, request or artifact), `busy` (another process held the registry lock too long).
 */
export type ModelRegistryErrorReason = 'not_found' | 'invalid' | 'busy';

/**
 * Every error the registry throws on purpose; the message reads `cannot <verb> <object>: <cause>`. `field`
 * names the request field at fault where there is one (a rollout's `mode` or `share`), for an API answer.
 */
export class ModelRegistryError extends Error {
  readonly field: string | undefined;

  constructor(
    readonly reason: ModelRegistryErrorReason,
    message: string,
    options?: { readonly cause?: unknown; readonly field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelRegistryError';
    this.field = options?.field;
  }
}
