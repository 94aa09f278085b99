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
