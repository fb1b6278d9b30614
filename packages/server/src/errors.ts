import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@sightline/schema';

export interface ApiErrorOptions {
  /** Seconds the client should wait before trying again (the Retry-After header): set where the refusal knows. */
  retryAfterS?: number;
}

/** The server's one error class: a code from the closed set in @sightline/schema and a message for humans. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly retryAfterS: number | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message);
    this.retryAfterS = options.retryAfterS;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toBody(): ErrorBody {
    return { error: this.code, message: this.message };
  }
}

/** The refusal of anything arriving while the server shuts down: a restarted server is back in about a second. */
export function shuttingDown(): ApiError {
  return new ApiError('shutting_down', 'the server is shutting down; retry shortly', { retryAfterS: 1 });
}
