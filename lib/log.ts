// Structured JSON logs on stdout (pino). Every line of a request carries its request_id.
import "server-only";
import pino from "pino";
import { env } from "@/lib/env";

const globalForLog = globalThis as unknown as { __tallyLog?: pino.Logger };

export const log: pino.Logger = (globalForLog.__tallyLog ??= pino({
  level: env().LOG_LEVEL,
  base: { service: "tally" },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  redact: { paths: ["password", "*.password", "authorization", "*.authorization", "key", "*.key"], remove: true },
}));
