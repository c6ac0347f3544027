import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ConversationFilesPort } from "../../domain/conversation/ports.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

const FIRST_LINE_BYTES = 64 * 1024;

/** Conversation files under a HOME on this machine; links are never followed (a transcript is a regular file). */
export function createConversationFiles(): ConversationFilesPort {
  const walk = (home: string, dir: string): { path: string; mtimeMs: number }[] => {
    const full = join(home, dir);
    if (!existsSync(full) || !lstatSync(full).isDirectory()) return [];
    return readdirSync(full).flatMap((name) => {
      const path = `${dir}/${name}`;
      const stat = lstatSync(join(home, path));
      return stat.isDirectory() ? walk(home, path) : stat.isFile() ? [{ path, mtimeMs: stat.mtimeMs }] : [];
    });
  };
  return {
    list: walk,
    firstLine: (home, path) => {
      const fd = openSync(join(home, path), "r");
      try {
        const buffer = Buffer.alloc(FIRST_LINE_BYTES);
        const read = readSync(fd, buffer, 0, FIRST_LINE_BYTES, 0);
        return buffer.subarray(0, read).toString("utf8").split("\n")[0] ?? "";
      } finally {
        closeSync(fd);
      }
    },
    read: (home, path) => {
      const full = join(home, path);
      return existsSync(full) && lstatSync(full).isFile() ? readFileSync(full, "utf8") : undefined;
    },
    write: (home, path, content) => {
      const full = join(home, path);
      mkdirSync(dirname(full), { recursive: true, mode: 0o700 });
      writeFileAtomically(full, content, 0o600);
    },
  };
}
