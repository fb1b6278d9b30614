import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@sightline/schema';

/** The server's one error class: a code from the closed set in @sightline/schema and a message for humans. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toBody(): ErrorBody {
    return { error: this.code, message: this.message };
  }
}
