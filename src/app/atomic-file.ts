import { renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * Replaces `path` whole or not at all: the content goes to a fresh temp file beside it,
 * created with `mode` (so a secret is never readable, even briefly), then renamed over.
 * A reader sees the old file or the new one, never half of one.
 */
export function writeFileAtomically(path: string, content: string | Uint8Array, mode = 0o600): void {
  // Web Crypto, not node:crypto, which costs every command that loads this file ~4 ms.
  const temp = `${path}.${Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, content, { mode, flag: "wx" });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
