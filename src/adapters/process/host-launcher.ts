import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { FrameType } from "../../domain/host-protocol.ts";
import type { HostConnectorPort, HostLauncherPort, ProcessPort } from "../../domain/ports.ts";
import type { ProcessIdentity } from "../../domain/session.ts";
import { SessionStartError } from "../../domain/session-lifecycle.ts";

export type HostLauncherOptions = {
  /** How to run this program again: [binary] when compiled, [bun, main.ts] from source. */
  readonly selfCommand: readonly string[];
  /** Folder for a session's files (its host.log). */
  readonly sessionDir: (sessionId: string) => string;
  /** The host server's control socket. */
  readonly controlSocket: string;
  /** The host server's own log (what no single session owns). */
  readonly serverLog: string;
  readonly process: ProcessPort;
  readonly connector: HostConnectorPort;
  /** @default 10000 */
  readonly readyTimeoutMs?: number | undefined;
};

export const DEFAULT_READY_TIMEOUT_MS = 10_000;

type Reply = { ok?: true; host?: ProcessIdentity; error?: string };

/**
 * Asks the per-user host server to host a session, starting the server first when none
 * answers (`remote __host` in its own session via detached, stdout a pipe on which it
 * says "ready", stderr its log). A server that exits between our connect and our
 * request (it was idle) closes the connection unanswered: we start one and ask again.
 */
export function createHostLauncher(options: HostLauncherOptions): HostLauncherPort {
  const deadlineMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;

  const startServer = async (env: Readonly<Record<string, string>>, failed: (why: string) => SessionStartError, gaveUp: Promise<never>) => {
    mkdirSync(dirname(options.serverLog), { recursive: true, mode: 0o700 });
    const logFd = openSync(options.serverLog, "a", 0o600);
    const child = Bun.spawn([...options.selfCommand, "__host"], {
      env: { ...env },
      // It outlives whoever started it: hold no one's directory (each session gets its own cwd).
      cwd: "/",
      stdin: "ignore",
      stdout: "pipe",
      stderr: logFd,
      detached: true,
    });
    closeSync(logFd);
    const reader = child.stdout.getReader();
    const ready = (async () => {
      let seen = "";
      while (!seen.includes("ready\n")) {
        const { value, done } = await reader.read();
        if (done) throw failed(`host exited before it was ready (${exitWords(await child.exited, child.signalCode)})`);
        seen += new TextDecoder().decode(value);
      }
    })();
    try {
      await Promise.race([ready, gaveUp]);
    } catch (error) {
      // A server we started that is not ready in time is stuck: it goes with its whole group (it hosts nothing yet).
      options.process.signal(child.pid, "SIGKILL", true);
      options.process.signal(child.pid, "SIGKILL");
      await child.exited;
      throw error;
    } finally {
      ready.catch(() => {});
      reader.releaseLock();
      void child.stdout.cancel().catch(() => {});
      child.unref();
    }
  };

  /** One request on the control socket: the reply, or undefined when no server answered it. */
  const ask = async (sessionId: string, env: Readonly<Record<string, string>>, size: { cols: number; rows: number }, gaveUp: Promise<never>): Promise<Reply | undefined> => {
    let conn;
    try {
      conn = await options.connector.connect(options.controlSocket, (frame) => {
        if (frame.type === FrameType.reply) answered(frame.reply as Reply);
      });
    } catch {
      return undefined;
    }
    let answered!: (reply: Reply | undefined) => void;
    const reply = new Promise<Reply | undefined>((resolve) => (answered = resolve));
    void conn.closed.then(() => answered(undefined));
    conn.send({ type: FrameType.request, request: { op: "host", sessionId, env, cols: size.cols, rows: size.rows } });
    try {
      return await Promise.race([reply, gaveUp]);
    } finally {
      // Done with this connection either way (a launcher that gave up has marked the record failed: the server starts nothing for it).
      conn.close();
    }
  };

  return {
    launch: async (sessionId, env, size) => {
      const logPath = `${options.sessionDir(sessionId)}/host.log`;
      const failed = (reason: string) => new SessionStartError(sessionId, reason, `See its log: ${logPath} (and the host server's: ${options.serverLog})`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gaveUp = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(failed(`host not ready within ${deadlineMs} ms`)), deadlineMs);
      });
      gaveUp.catch(() => {});
      try {
        for (let attempt = 0; attempt < 3; attempt++) {
          let reply = await ask(sessionId, env, size, gaveUp);
          if (reply === undefined) {
            await startServer(env, failed, gaveUp);
            reply = await ask(sessionId, env, size, gaveUp);
          }
          if (reply === undefined) continue;
          if (reply.error !== undefined || !reply.host) throw failed(reply.error ?? "the host server gave no identity");
          return reply.host;
        }
        throw failed("no host server answered");
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const exitWords = (code: number, signal: string | number | null) => (signal ? `killed by ${signal}` : `code ${code}`);
