// Postgres errors by SQLSTATE, through both drivers (postgres.js names the constraint
// `constraint_name`, PGlite `constraint`) and through drizzle's wrapping (the driver's error is its cause).

type PgError = { code?: string; constraint_name?: string; constraint?: string; cause?: unknown };

/** The driver's error behind `e`, when it carries a SQLSTATE. */
function pgError(e: unknown): PgError | null {
  for (
    let err = e as PgError | undefined, depth = 0;
    err && depth < 5;
    err = err.cause as PgError | undefined, depth++
  ) {
    if (typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code)) return err;
  }
  return null;
}

/** A unique violation (23505), of the named constraint when one is given. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = pgError(e);
  if (err?.code !== "23505") return false;
  return !constraint || (err.constraint_name ?? err.constraint) === constraint;
}

/** A serialization failure (40001): a REPEATABLE READ transaction met a concurrent change; run it again. */
export function isSerializationFailure(e: unknown): boolean {
  return pgError(e)?.code === "40001";
}

/** A deadlock (40P01): Postgres ended one of the statements that waited on each other. */
export function isDeadlock(e: unknown): boolean {
  return pgError(e)?.code === "40P01";
}

/**
 * Postgres connection errors by code: SQLSTATE class 08 (connection exception), the server going
 * away or not yet back (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now),
 * too many connections (53300); postgres.js's own (CONNECTION_CLOSED, CONNECTION_ENDED,
 * CONNECTION_DESTROYED, CONNECT_TIMEOUT); and the socket's (ECONNREFUSED, ECONNRESET, …).
 */
const CONNECTION_CODES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/**
 * The database could not be reached or dropped the connection, rather than refusing a statement:
 * the request may succeed if sent again shortly (a 503, not a 500). Looks through drizzle's
 * wrapping (`cause`) and a failed connect to several addresses (AggregateError's `errors`).
 */
export function isConnectionError(e: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (err: unknown, depth: number): boolean => {
    if (!err || typeof err !== "object" || depth > 5 || seen.has(err)) return false;
    seen.add(err);
    const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (Array.isArray(errors) && errors.some((x) => visit(x, depth + 1))) return true;
    return visit(cause, depth + 1);
  };
  return visit(e, 0);
}
