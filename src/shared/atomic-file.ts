import { createThenRename, nodeFs } from "./quick-fs.ts";

/**
 * (src/shared: plain I/O helpers with no policy, for adapters and use cases alike.)
 * Replaces `path` whole or not at all: the content goes to a fresh temp file beside it,
 * created with `mode` (so a secret is never readable, even briefly), then renamed over.
 * A reader sees the old file or the new one, never half of one.
 */
export function writeFileAtomically(path: string, content: string | Uint8Array, mode = 0o600): void {
  // Web Crypto, not node:crypto, which costs every command that loads this file ~4 ms.
  const temp = `${path}.${Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString("hex")}.tmp`;
  // Through libc when it can (a Claude hook writes its event this way, without loading node:fs).
  if (createThenRename(temp, path, typeof content === "string" ? new TextEncoder().encode(content) : content, mode)) return;
  try {
    nodeFs().writeFileSync(temp, content, { mode, flag: "wx" });
    nodeFs().renameSync(temp, path);
  } catch (error) {
    nodeFs().rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Creates `path` whole, only if it does not exist: the content goes to a temp file beside
 * it (created with `mode`), which is then hard-linked into place, which fails if `path`
 * exists. Returns false when it existed (whoever made it wrote it whole too). For files
 * that must be made once by whichever of several racing processes gets there first.
 */
export function createFileAtomically(path: string, content: string | Uint8Array, mode = 0o600): boolean {
  // Web Crypto, not node:crypto, which costs every command that loads this file ~4 ms.
  const temp = `${path}.${Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString("hex")}.tmp`;
  try {
    nodeFs().writeFileSync(temp, content, { mode, flag: "wx" });
    nodeFs().linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    nodeFs().rmSync(temp, { force: true });
  }
}
