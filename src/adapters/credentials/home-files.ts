import { readFileSync, statSync } from "node:fs";
import { RemoteError } from "../../domain/errors.ts";
import type { HomeFilesPort } from "../../domain/ports.ts";

/** Larger than any credential file; a bigger one is a mistake we refuse to ship into a session. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

export const unreadable = (path: string, why: string) =>
  new RemoteError("CREDENTIAL_UNREADABLE", `Cannot read credential file '${path}': ${why}`, "Fix the file's permissions or remove it, or start without credentials with --no-auth.", "unavailable");

/** Reads the person's credential files (links followed: dotfile managers link them). Errors name the path, never the content. */
export function createHomeFiles(): HomeFilesPort {
  return {
    read: (path) => {
      let stat;
      try {
        stat = statSync(path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return undefined;
        throw unreadable(path, code ?? "stat failed");
      }
      if (!stat.isFile()) throw unreadable(path, "it is not a regular file");
      if (stat.size > MAX_FILE_BYTES) throw unreadable(path, `it is larger than ${MAX_FILE_BYTES} bytes`);
      try {
        return new Uint8Array(readFileSync(path));
      } catch (error) {
        throw unreadable(path, (error as NodeJS.ErrnoException).code ?? "read failed");
      }
    },
  };
}
