import { closeSync, mkdirSync, openSync } from "node:fs";
import { SessionStartError } from "../../domain/session-lifecycle.ts";
import type { HostLauncherPort, ProcessPort } from "../../domain/ports.ts";

export type HostLauncherOptions = {
  /** How to run this program again: [binary] when compiled, [bun, main.ts] from source. */
  readonly selfCommand: readonly string[];
  /** Folder for the host's log file, per session. */
  readonly sessionDir: (sessionId: string) => string;
  readonly process: ProcessPort;
  /** @default 10000 */
  readonly readyTimeoutMs?: number | undefined;
};

export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/**
 * Starts `remote __host <id>` in its own session (setsid via detached), stdout a pipe
 * on which it says "ready" once its socket listens, stderr its log file. A host that
 * is not ready in time is killed with its whole process group: a slow host never turns
 * up later as a second live session.
 */
export function createHostLauncher(options: HostLauncherOptions): HostLauncherPort {
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
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
      const failed = (reason: string) => new SessionStartError(sessionId, reason, `See its log: ${logPath}`);
      const reader = child.stdout.getReader();
      let seen = "";
      const ready = (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) throw failed(`host exited before it was ready (${exitWords(await child.exited, child.signalCode)})`);
          seen += new TextDecoder().decode(value);
          if (seen.includes("ready\n")) return;
        }
      })();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(failed(`host not ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
      });
      try {
        await Promise.race([ready, timeout]);
      } catch (error) {
        // Too late or half-dead: nothing of it may live on (its group is the host and whatever it started there).
        options.process.signal(child.pid, "SIGKILL", true);
        options.process.signal(child.pid, "SIGKILL");
        await child.exited;
        throw error;
      } finally {
        clearTimeout(timer);
        reader.releaseLock();
        void child.stdout.cancel().catch(() => {});
        ready.catch(() => {});
        child.unref();
      }
      const identity = options.process.identify(child.pid);
      if (!identity) throw failed("host vanished right after it was ready");
      return identity;
    },
  };
}

const exitWords = (code: number, signal: string | number | null) => (signal ? `killed by ${signal}` : `code ${code}`);
