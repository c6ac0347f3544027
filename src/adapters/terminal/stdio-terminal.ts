import type { TerminalPort } from "../../domain/ports.ts";

/** The person's terminal: process.stdin/stdout in raw mode, SIGWINCH as resize. */
export function createStdioTerminal(stdin: NodeJS.ReadStream = process.stdin, stdout: NodeJS.WriteStream = process.stdout): TerminalPort {
  return {
    isTTY: Boolean(stdin.isTTY && stdout.isTTY),
    size: () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 }),
    setRaw: (raw) => {
      if (stdin.isTTY) stdin.setRawMode(raw);
      if (raw) stdin.resume();
      else stdin.pause();
    },
    write: (data) => {
      stdout.write(data);
    },
    onInput: (handler) => {
      const listener = (chunk: Buffer | string) => handler(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk));
      stdin.on("data", listener);
      return () => stdin.off("data", listener);
    },
    onResize: (handler) => {
      stdout.on("resize", handler);
      process.on("SIGWINCH", handler);
      return () => {
        stdout.off("resize", handler);
        process.off("SIGWINCH", handler);
      };
    },
  };
}
