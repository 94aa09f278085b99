import { ModelRegistryError, type ModelRegistryErrorReason } from '../ml/registry/index.js';
import { ModelNotServedError } from '../ml/serve/index.js';

/** An error with the HTTP status it maps to; the one error handler in http-server.ts turns it into JSON. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function badRequest(message: string, field?: string): ApiError {
  return new ApiError(400, message, field);
}

const MODEL_REGISTRY_STATUS: Record<ModelRegistryErrorReason, number> = { invalid: 400, not_found: 404, busy: 503 };

/** The ApiError a known domain error stands for (registry: bad input 400, unknown 404, lock busy 503; a model no rule serves 404); null for anything else (500). */
export function apiErrorOf(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof ModelRegistryError) return new ApiError(MODEL_REGISTRY_STATUS[err.reason], err.message);
  if (err instanceof ModelNotServedError) return new ApiError(404, err.message);
  return null;
}
