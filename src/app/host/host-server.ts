import { rmSync } from "node:fs";
import { hostServerSocketFor } from "../../domain/config.ts";
import { errorMessage, isRemoteError } from "../../domain/errors.ts";
import { createFrameDecoder, encodeFrame, FrameType, type AttachRequest, type HostSessionRequest, type RecordsReply } from "../../domain/host-protocol.ts";
import type { ScreenPort, ServerClient, ServerHandlers, SocketServerPort } from "../../domain/ports.ts";
import { isLive, type ProcessIdentity } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { hostSession } from "./boot.ts";
import { ingestHookEvents } from "../sessions/enroll.ts";
import { findSession } from "../sessions/find.ts";
import type { SessionHost } from "./session-host.ts";

/** How long the server waits, hosting nothing, before it exits (a `run` right after a `stop` reuses it). */
const IDLE_EXIT_MS = 2000;
/** A full collection pauses every session: at most one per this period, however many went quiet. */
const GC_PERIOD_MS = 2000;

/** What the control socket answers to {op: "host"}. */
export type HostReply = { readonly ok: true; readonly host: ProcessIdentity } | { readonly error: string };

type Deps = Pick<AppDeps, "config" | "store" | "clock" | "process" | "importModule" | "hostPorts" | "connector" | "log" | "stdout" | "onSignal" | "onUncaughtError"> & Partial<Pick<AppDeps, "hookInbox">>;

/**
 * The `remote __host` process: one per user (per REMOTE_HOME), like tmux's server. It
 * hosts every local session (each with its own PTY, screen model, socket and log; see
 * session-host.ts for the per-session boundary), is started on demand by the launcher,
 * says "ready" on stdout once its control socket listens, and exits when it hosts nothing.
 * Records carry this process's identity as their host: if it dies, they read "lost".
 */
export async function runHostServer(deps: Deps, depsFor: (env: Readonly<Record<string, string>>) => Pick<AppDeps, "config" | "hostPorts" | "selfCommand" | "random" | "eventLog">): Promise<number> {
  const controlPath = hostServerSocketFor(deps.config.paths);
  const ports = await deps.hostPorts();
  const self = deps.process.identify(process.pid);
  if (!self) throw new Error("cannot identify the host server process");
  const hosted = new Map<string, SessionHost>();
  let starting = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let finished!: () => void;
  const idle = new Promise<void>((resolve) => (finished = resolve));
  const collectGarbage = ports.collectGarbage ? throttled(ports.collectGarbage, GC_PERIOD_MS) : undefined;

  const busy = () => hosted.size > 0 || starting > 0;
  const exitWhenIdle = () => {
    clearTimeout(idleTimer);
    if (busy()) return;
    idleTimer = setTimeout(() => {
      if (busy()) return;
      control?.stop();
      finished();
    }, IDLE_EXIT_MS);
  };

  // A launcher that stops waiting (its deadline passed) marks the record failed first: the
  // start then finds it final and starts nothing (hostSession). One that died mid-launch
  // leaves the record to us, as a host of its own would have kept it.
  const host = async (request: HostSessionRequest): Promise<HostReply> => {
    starting++;
    clearTimeout(idleTimer);
    try {
      if (hosted.has(request.sessionId)) return { error: "it is already hosted" };
      const session = await hostSession({ ...deps, self }, depsFor(request.env), request, collectGarbage);
      hosted.set(request.sessionId, session);
      void session.done.finally(() => {
        hosted.delete(request.sessionId);
        exitWhenIdle();
      });
      return { ok: true, host: self };
    } catch (error) {
      deps.log.error(`cannot host session ${request.sessionId}: ${errorMessage(error)}`);
      // The record's own words when the session host wrote down why (e.g. its cwd is gone).
      const record = deps.store().get(request.sessionId);
      return { error: record?.state === "failed" && record.reason ? record.reason : errorMessage(error) };
    } finally {
      starting--;
      exitWhenIdle();
    }
  };

  // What a quick reader (ls, send, attach) would otherwise open SQLite for: this process has it open already.
  // Waiting Claude Code hook events are folded in first, here too: the reader then finds none left to write.
  const records = (): RecordsReply => {
    try {
      if (!deps.hookInbox) return { records: deps.store().list() };
      ingestHookEvents({ store: deps.store, hookInbox: deps.hookInbox });
      return { records: deps.store().list(), hookEventsTaken: true };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  };

  /**
   * `remote attach <ref>` by name (AttachRequest): the ref resolved as the reader would resolve it
   * (waiting hook events first, then findSession over every record); a running session hosted here
   * takes the connection. Anything else (not found, ended, in a container, elsewhere) is the
   * reader's to say, the usual way.
   */
  // This process is alive: the sessions it hosts are seen so without a look at /proc.
  const isAlive = (who: ProcessIdentity) => (who.pid === self.pid && who.startTime === self.startTime) || deps.process.isAlive(who);
  const finder = { store: deps.store, process: { ...deps.process, isAlive }, ...(deps.hookInbox ? { hookInbox: deps.hookInbox } : {}) };
  const attach = (request: AttachRequest, socket: ServerClient): Attached | undefined => {
    let found;
    try {
      found = findSession(finder, request.ref);
    } catch {
      return undefined;
    }
    const session = hosted.get(found.id);
    if (!session || !isLive(found.view) || found.target !== undefined) return undefined;
    return session.accept(socket, request.hello);
  };

  type Attached = ReturnType<SessionHost["accept"]>;
  type Control = { gone: boolean; attached?: Attached | undefined; readonly write: (reply: HostReply | RecordsReply) => void; readonly receive: (chunk: Uint8Array) => void; readonly end: () => void };
  const handlers: ServerHandlers<Control> = {
    open: (socket) => {
      const state: Control = {
        gone: false,
        write: (reply) => void socket.write(encodeFrame({ type: FrameType.reply, reply })),
        receive: createFrameDecoder((frame) => {
          // Handed to a session in this same chunk: what follows is the session's (the records request behind an attach is not).
          if (state.attached) return void (frame.type === FrameType.request || state.attached.data(state.attached.client, encodeFrame(frame)));
          if (frame.type !== FrameType.request) return;
          if (frame.request.op === "host") void host(frame.request).then((reply) => state.gone || state.write(reply));
          else if (frame.request.op === "records") state.write(records());
          else if (frame.request.op === "attach") state.attached = attach(frame.request, socket);
        }),
        end: () => socket.end(),
      };
      return state;
    },
    data: (state, chunk) => {
      if (state.attached) return state.attached.data(state.attached.client, chunk);
      try {
        state.receive(chunk);
      } catch {
        state.end();
      }
    },
    drain: (state) => state.attached?.drain(state.attached.client),
    close: (state) => {
      state.gone = true;
      state.attached?.close(state.attached.client);
    },
  };
  const control = await listenAlone(deps, ports.server, controlPath, handlers);
  if (!control) {
    // Another server won the race to start: the launcher talks to that one.
    deps.stdout("ready\n");
    return 0;
  }

  // The server outlives terminals: hang-ups and Ctrl-C are not for it; TERM stops every session cleanly.
  deps.onSignal("SIGHUP", () => {});
  deps.onSignal("SIGINT", () => {});
  deps.onSignal("SIGTERM", () => {
    for (const session of hosted.values()) session.stop("host server received SIGTERM");
  });
  // Each session catches what its own code throws (session-host.ts); this is the last line for the rest.
  deps.onUncaughtError((error) => deps.log.error(`host server error (sessions kept running): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  deps.stdout("ready\n");
  exitWhenIdle();
  // `remote run` attaches right after the server started: have the redraw code compiled by then.
  setImmediate(() => void warmUp(ports.screen).catch(() => {}));
  await idle;
  return 0;
}

/** One redraw of a throwaway screen, so the first person to attach does not wait for the JIT. */
async function warmUp(screens: ScreenPort): Promise<void> {
  const screen = screens.create(80, 24);
  screen.write(new TextEncoder().encode("\x1b[1;32mwarm\x1b[0m up\r\n".repeat(40)));
  await screen.snapshot();
  await screen.text();
  screen.dispose();
}

/**
 * Takes the control socket unless a live server holds it (then undefined). A socket file
 * left by a server that died (kill -9) refuses connections: it is replaced.
 */
async function listenAlone<C>(deps: Pick<AppDeps, "connector">, server: SocketServerPort, path: string, handlers: ServerHandlers<C>) {
  for (let attempt = 0; ; attempt++) {
    try {
      return server.listen(path, handlers, { exclusive: true });
    } catch (error) {
      if (!isRemoteError(error) || error.code !== "SOCKET_IN_USE" || attempt > 0) throw error;
      if (await answers(deps, path)) return undefined;
      rmSync(path, { force: true });
    }
  }
}

/** True when a live server already listens on `path` (a stale socket file refuses the connection). */
async function answers(deps: Pick<AppDeps, "connector">, path: string): Promise<boolean> {
  try {
    const conn = await deps.connector.connect(path, () => {});
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` at most once per `periodMs`: calls in between are folded into one at the end of the period. */
function throttled(fn: () => void, periodMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, periodMs);
    timer.unref?.();
  };
}
