import { closeSync, mkdirSync, openSync } from "node:fs";
import { RemoteError } from "../../domain/errors.ts";
import type { HostLauncherPort, ProcessPort } from "../../domain/ports.ts";

export type HostLauncherOptions = {
  /** How to run this program again: [binary] when compiled, [bun, main.ts] from source. */
  readonly selfCommand: readonly string[];
  /** Folder for the host's log file, per session. */
  readonly sessionDir: (sessionId: string) => string;
  readonly process: ProcessPort;
  /** @default 10000 */
  readonly readyTimeoutMs?: number;
};

/**
 * Starts `remote __host <id>` in its own session (setsid via detached), stdout a pipe
 * on which it says "ready" once its socket listens, stderr its log file.
 */
export function createHostLauncher(options: HostLauncherOptions): HostLauncherPort {
  return {
    launch: async (sessionId, env, size) => {
      const dir = options.sessionDir(sessionId);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const logPath = `${dir}/host.log`;
      const logFd = openSync(logPath, "a", 0o600);
      const child = Bun.spawn([...options.selfCommand, "__host", sessionId, "--cols", String(size.cols), "--rows", String(size.rows)], {
        env: { ...env },
        stdin: "ignore",
        stdout: "pipe",
        stderr: logFd,
        detached: true,
      });
      closeSync(logFd);
      const failed = (why: string) =>
        new RemoteError("HOST_START_FAILED", `Cannot start the session host for '${sessionId}': ${why}`, `See its log: ${logPath}`, "unavailable");
      const reader = child.stdout.getReader();
      let seen = "";
      const ready = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) throw failed(`it exited before it was ready (code ${await child.exited})`);
          seen += new TextDecoder().decode(value);
          if (seen.includes("ready\n")) return;
        }
      })();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(failed(`it was not ready within ${options.readyTimeoutMs ?? 10000} ms`)), options.readyTimeoutMs ?? 10000);
      });
      try {
        await Promise.race([ready, timeout]);
      } finally {
        clearTimeout(timer);
        reader.releaseLock();
        void child.stdout.cancel().catch(() => {});
        child.unref();
      }
      const identity = options.process.identify(child.pid);
      if (!identity) throw failed("it vanished right after starting");
      return identity;
    },
  };
}
