/** Shared bench plumbing: a client in a real PTY whose output we can wait on. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const root = join(import.meta.dir, "..", "..");
export const remoteCmd = () => (process.env.REMOTE_BENCH_BINARY ? [process.env.REMOTE_BENCH_BINARY] : [process.execPath, join(root, "src/main.ts")]);

export function benchEnv() {
  const dir = mkdtempSync(join(tmpdir(), "remote-bench-"));
  return {
    dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, REMOTE_HOME: join(dir, "remote"), TERM: "xterm-256color", SHELL: "/bin/bash", LANG: "C.UTF-8" } as Record<string, string>,
  };
}

export type PtyClient = {
  readonly write: (data: string) => void;
  /** Resolves with the time (performance.now) at which `needle` first appeared after `since` bytes. */
  readonly waitFor: (needle: string, since?: number, timeoutMs?: number) => Promise<number>;
  readonly received: () => number;
  readonly kill: () => Promise<void>;
};

export function spawnClient(argv: string[], env: Record<string, string>, cols = 80, rows = 24): PtyClient {
  let text = "";
  const waiters: Array<() => void> = [];
  const decoder = new TextDecoder();
  const proc = Bun.spawn(argv, {
    env,
    detached: true,
    terminal: {
      cols,
      rows,
      data: (_t, data) => {
        text += decoder.decode(data, { stream: true });
        // Keep memory bounded on big drains: the needles we look for are short.
        if (text.length > 1 << 20) {
          consumed += text.length - 4096;
          text = text.slice(-4096);
        }
        for (const w of waiters.splice(0)) w();
      },
    },
  });
  let consumed = 0;
  return {
    write: (data) => proc.terminal?.write(data),
    received: () => consumed + text.length,
    waitFor: (needle, since = 0, timeoutMs = 60000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout waiting for ${JSON.stringify(needle)}`)), timeoutMs);
        const check = () => {
          const from = Math.max(0, since - consumed);
          if (text.indexOf(needle, from) >= 0) {
            clearTimeout(timer);
            resolve(performance.now());
          } else waiters.push(check);
        };
        check();
      }),
    kill: async () => {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

export const ms = (n: number) => `${n.toFixed(2)} ms`;
