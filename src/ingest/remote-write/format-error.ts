/** Why a whole remote write body was refused: it cannot be read, or it is larger than allowed. */
export type RemoteWriteFormatProblem = 'malformed' | 'too_large';

/** A remote write body that cannot be used at all; nothing of it was kept. */
export class RemoteWriteFormatError extends Error {
  constructor(
    readonly problem: RemoteWriteFormatProblem,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteWriteFormatError';
  }
}
