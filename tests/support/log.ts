// The lines the app's logger writes while `fn` runs, at info level and up (tests otherwise log nothing).
import { createLogger } from "@/lib/log";

export function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const g = globalThis as { __tallyLog?: unknown };
  const before = g.__tallyLog;
  const logger = createLogger({ write: (line: string) => void lines.push(line) });
  logger.level = "info";
  g.__tallyLog = logger;
  try {
    fn();
  } finally {
    g.__tallyLog = before;
  }
  return lines;
}
