import type { TerminalIdentity } from "../../domain/host-protocol.ts";
import type { TerminalPort } from "../../domain/ports.ts";
import { createFdOutput } from "./fd-output.ts";
import { deviceOf } from "../../shared/quick-fs.ts";
import { enterRawMode, isTerminal, linkTarget, windowSize, type SavedModes } from "./termios.ts";

/**
 * The person's terminal: fd 0 and 1, full raw mode while attached (see termios.ts), SIGWINCH
 * as resize. It reads with Bun.stdin and writes to the descriptor instead of process.stdin /
 * process.stdout, whose Node streams would double what an attach costs to start.
 */
export function createStdioTerminal(): TerminalPort {
  const write = createFdOutput(1);
  const listeners = new Set<(data: Uint8Array) => void>();
  let saved: SavedModes | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  const startReading = () => {
    if (reader) return;
    const current = (reader = Bun.stdin.stream().getReader());
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await current.read();
          if (done) return;
          for (const listener of listeners) listener(value);
        }
      } catch {
        // Cancelled on release, or stdin went away: either way there is nothing more to read.
      }
    })();
  };
  const stopReading = () => {
    // A pending read would keep the process alive after the attach ends.
    void reader?.cancel().catch(() => {});
    reader = undefined;
  };

  return {
    get isTTY() {
      return isTerminal(0) && isTerminal(1);
    },
    size: () => {
      const size = windowSize(1);
      // Only where the size cannot be read directly does the stream (and its cost) come in.
      if (size === "unknown") return { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
      return size ?? { cols: 80, rows: 24 };
    },
    identity: () => terminalIdentity(),
    setRaw: (raw) => {
      if (raw) saved ??= enterRawMode(0);
      else {
        saved?.restore();
        saved = undefined;
      }
    },
    write,
    // Keys are read only while someone listens: when the session host reads this terminal itself, we must not.
    onInput: (handler) => {
      listeners.add(handler);
      startReading();
      return () => {
        listeners.delete(handler);
        if (listeners.size === 0) stopReading();
      };
    },
    onResize: (handler) => {
      process.on("SIGWINCH", handler);
      return () => process.off("SIGWINCH", handler);
    },
  };
}

/**
 * Names the terminal on fd 0 and 1 (both the same device) for a session host to open: its path
 * through /proc (Linux only; elsewhere undefined, and the client reads and writes it itself).
 */
function terminalIdentity(): TerminalIdentity | undefined {
  if (process.platform !== "linux" || !isTerminal(0) || !isTerminal(1)) return undefined;
  const input = deviceOf(0);
  const output = deviceOf(1);
  if (input.rdev !== output.rdev || input.ino !== output.ino || input.dev !== output.dev) return undefined;
  const path = linkTarget("/proc/self/fd/0");
  return path.startsWith("/dev/") ? { path, dev: input.dev, ino: input.ino, rdev: input.rdev } : undefined;
}
