// Structured JSON logs on stdout (pino). Every line of a request carries its request_id.
// Errors are logged without the values of the query that failed: a database error carries the
// statement's parameters (postgres.js `parameters`, PGlite and drizzle `params`, and drizzle's
// message "Failed query: …\nparams: …"), which can be a password hash, an API key's hash or a
// customer's data. The statement's text (placeholders only) stays: it says what failed.
import "server-only";
import { processState } from "@/lib/process-state";
import pino from "pino";
import { env } from "@/lib/env";

const logger = processState("log", () => ({ current: undefined as pino.Logger | undefined }));

/** Keys under which drivers and drizzle keep a failed statement's values. */
const VALUE_KEYS = new Set(["params", "parameters", "args", "queryOptions"]);
const REDACTED = "[redacted]";

/** drizzle's "Failed query: <sql>\nparams: <values>" with the values replaced (they run to the end of the message). */
export function redactQueryParams(message: string): string {
  const at = message.indexOf("\nparams: ");
  return at === -1 ? message : `${message.slice(0, at)}\nparams: ${REDACTED}`;
}

type ErrorLike = Error & Record<string, unknown>;
const isErrorLike = (e: unknown): e is ErrorLike =>
  typeof e === "object" && e !== null && typeof (e as Error).message === "string";

/** A copy of the error (and its causes) without the statement's values, for pino's own serializer. */
function withoutValues(err: ErrorLike, depth = 0): ErrorLike {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as ErrorLike;
  for (const key of Object.keys(err)) {
    const value = err[key];
    copy[key] = VALUE_KEYS.has(key)
      ? REDACTED
      : depth < 5 && key !== "cause" && isErrorLike(value)
        ? withoutValues(value, depth + 1)
        : value;
  }
  const message = redactQueryParams(err.message);
  // V8's stack opens with "<name>: <message>", values included.
  const stack =
    typeof err.stack === "string"
      ? err.stack.includes(err.message)
        ? err.stack.replace(err.message, () => message)
        : redactQueryParams(err.stack)
      : undefined;
  Object.defineProperty(copy, "message", { value: message, enumerable: false, writable: true, configurable: true });
  Object.defineProperty(copy, "stack", { value: stack, enumerable: false, writable: true, configurable: true });
  if (err.cause !== undefined) {
    Object.defineProperty(copy, "cause", {
      value: depth < 5 && isErrorLike(err.cause) ? withoutValues(err.cause, depth + 1) : err.cause,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** pino's error serializer, on the error without its statement's values; a message logged as a string likewise. */
export function serializeError(err: unknown): unknown {
  if (typeof err === "string") return redactQueryParams(err);
  return isErrorLike(err) ? pino.stdSerializers.err(withoutValues(err)) : err;
}

/** The logger as configured here, writing to stdout or, for tests, to the stream given. */
export function createLogger(destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level: env().LOG_LEVEL,
    base: { service: "tally" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: ["password", "*.password", "authorization", "*.authorization", "key", "*.key"], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The process's logger, made on first use: modules that import it at load time (the database
 * client) must not fix its level before the environment is read (tests set LOG_LEVEL first thing).
 */
export const log: pino.Logger = new Proxy({} as pino.Logger, {
  get(_target, prop) {
    const real = (logger.current ??= createLogger());
    const value = Reflect.get(real, prop, real) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
  set(_target, prop, value) {
    return Reflect.set((logger.current ??= createLogger()), prop, value);
  },
});

/** Tests capture what the app logs: installs `next` as the process's logger and returns the one it replaced. */
export function replaceLogger(next: pino.Logger | undefined): pino.Logger | undefined {
  const before = logger.current;
  logger.current = next;
  return before;
}
