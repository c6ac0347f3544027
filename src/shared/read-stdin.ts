import { isCharacterDevice } from "./quick-fs.ts";

/**
 * What a hook's caller wrote on stdin, for at most `limitMs` (a stdin that never closes must
 * not keep a hook, or the agent CLI waiting on it, alive). Bun.stdin, not process.stdin, whose
 * Node stream costs a hook ~15 ms to create. A terminal (or /dev/null) on stdin is a character
 * device: nothing to wait for. fstat, not node:tty's isatty, whose module costs ~2 ms to load.
 */
export async function readStdin(limitMs: number): Promise<string> {
  if (isCharacterDevice(0)) return "";
  const reader = Bun.stdin.stream().getReader();
  const chunks: Uint8Array[] = [];
  const timer = setTimeout(() => void reader.cancel().catch(() => {}), limitMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch {
    // stdin went away: use what arrived.
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
