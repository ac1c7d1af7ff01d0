// The lines the app's logger writes while `fn` runs, at info level and up (tests otherwise log nothing).
import { createLogger, replaceLogger } from "@/lib/log";

function install(lines: string[]): () => void {
  const logger = createLogger({ write: (line: string) => void lines.push(line) });
  logger.level = "info";
  const before = replaceLogger(logger);
  return () => void replaceLogger(before);
}

export function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const restore = install(lines);
  try {
    fn();
  } finally {
    restore();
  }
  return lines;
}

export async function captureLogAsync(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const restore = install(lines);
  try {
    await fn();
  } finally {
    restore();
  }
  return lines;
}
