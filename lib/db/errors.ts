// Postgres errors by SQLSTATE, through both drivers (postgres.js names the constraint
// `constraint_name`, PGlite `constraint`) and through drizzle's wrapping (the driver's error is its cause).

type PgError = { code?: string; constraint_name?: string; constraint?: string; cause?: unknown };

/** The driver's error behind `e`, when it carries a SQLSTATE. */
function pgError(e: unknown): PgError | null {
  for (let err = e as PgError | undefined, depth = 0; err && depth < 5; err = err.cause as PgError | undefined, depth++) {
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

/** A deadlock (40P01): Postgres ended one of the statements that waited on each other. */
export function isDeadlock(e: unknown): boolean {
  return pgError(e)?.code === "40P01";
}
