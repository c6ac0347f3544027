import { appendFileSync } from "node:fs";
import type { LogPort } from "../../domain/ports.ts";

/**
 * A log that appends one line per message to a file (0600): each session hosted by the
 * shared host server keeps its own `host.log`, as it had when every host was a process.
 */
export function createFileLog(path: string, now: () => Date = () => new Date()): LogPort {
  const write = (level: string, message: string) => {
    try {
      appendFileSync(path, `${now().toISOString()} [${level}] ${message}\n`, { mode: 0o600 });
    } catch {
      // The session's folder is gone (pruned): nothing left to log to.
    }
  };
  return { info: (m) => write("info", m), warn: (m) => write("warn", m), error: (m) => write("error", m) };
}
