// One error type for the whole app, with a code that maps to an HTTP status (API.md, Errors).
export const ERROR_STATUS = {
  validation_error: 400,
  bad_request: 400,
  unauthenticated: 401,
  insufficient_credits: 402,
  payment_failed: 402,
  spending_cap_reached: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal_error: 500,
  provider_unavailable: 503,
  database_unavailable: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type FieldIssue = { field: string; message: string };

/**
 * Brands an AppError of either copy of lib/ (Next's bundle, the fast path's): the shared queues
 * (lib/process-state.ts) can hand one copy's error to the other copy's route(), whose `instanceof`
 * must still see a Tally error (a 402 or a 503, not a 500).
 */
const APP_ERROR = Symbol.for("tally.AppError");

export class AppError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && APP_ERROR in value;
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
// On the prototype, not on each error: no own property for tests' deep equality to see.
Object.defineProperty(AppError.prototype, APP_ERROR, { value: true });

/** Seconds a client waits before it retries after a 503 database_unavailable: about what a restart takes. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** The database is unreachable or restarting: retry the request (with the same idempotency key) shortly. */
export const databaseUnavailable = () =>
  new AppError(
    "database_unavailable",
    "The database is unavailable; retry shortly with the same idempotency key.",
    undefined,
    { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) },
  );

export const notFound = (what: string) => new AppError("not_found", `${what} not found.`);
export const forbidden = (message = "You do not have access to this resource.") => new AppError("forbidden", message);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);

/** A 400 that names one field, in the same shape zod failures take. */
export function invalidField(field: string, message: string): AppError {
  return new AppError("validation_error", `${field}: ${message}`, [{ field, message }]);
}
