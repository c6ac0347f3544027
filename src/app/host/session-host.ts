import { RemoteError, errorMessage, isRemoteError } from "../../domain/errors.ts";
import { FrameType, outputReply, type Frame, type Hello, type HostRequest } from "../../domain/host-protocol.ts";
import { createOutputWindow } from "../../domain/output-window.ts";
import type { ClockPort, LogPort, PtyExit, PtyPort, ScreenPort, ServerClient, ServerHandlers, SessionStorePort, SocketServerPort, TerminalDevice, TerminalDevicePort } from "../../domain/ports.ts";
import type { ProcessIdentity, SessionPatch, SessionRecord } from "../../domain/session.ts";
import type { EventLogPort } from "../../domain/agent-state/state-event.ts";
import { EXIT_RECORD_BUDGET_MS, storeRetryDelay } from "../../domain/session-lifecycle.ts";
import type { TargetName } from "../../domain/target-name.ts";
import type { EventBus } from "../plugins.ts";
import { createAgentTracker, type AgentSignalOptions } from "./agent-tracker.ts";
import { createClientStream, type ClientStream } from "./client-stream.ts";
import { detachChord } from "../sessions/detach-chord.ts";

export type SessionHostDeps = {
  readonly store: SessionStorePort;
  readonly pty: PtyPort;
  readonly screen: ScreenPort;
  readonly server: SocketServerPort;
  /** Opens an attach client's own terminal when it offers it (Hello.terminal); absent: clients always relay. */
  readonly terminals?: TerminalDevicePort | undefined;
  readonly clock: ClockPort;
  readonly log: LogPort;
  readonly bus: EventBus;
  /** Where agent state changes are recorded for `GET /events` and `remote wait` (absent: not recorded). */
  readonly events?: EventLogPort | undefined;
  /** Returns memory a burst of output left behind to the system; run once output has gone quiet. */
  readonly collectGarbage?: () => void;
};

/** How long output must be quiet before the host tidies its memory. */
const QUIET_MS = 2000;

export type SessionHostOptions = {
  readonly sessionId: string;
  readonly socketPath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly retainBytes: number;
  readonly cols?: number;
  readonly rows?: number;
  /** Grace between SIGHUP, SIGTERM and SIGKILL when stopping. @default 2000 */
  readonly stopGraceMs?: number;
  /** Send a signal to the child's process group. */
  readonly killGroup: (pid: number, signal: NodeJS.Signals) => void;
  /** Writes the final scrollback text for `remote logs` after the host is gone. */
  readonly saveScrollback: (text: string) => void;
  /** The agent's identity beyond its pid (recorded as `agent`). */
  readonly identify?: (pid: number) => ProcessIdentity | undefined;
  /** How long to keep trying to record the exit in a busy store. @default EXIT_RECORD_BUDGET_MS */
  readonly exitRecordBudgetMs?: number;
  /** Where this host runs, told to plugins with every session event. @default "local" */
  readonly target?: TargetName;
  /** How the agent's state is followed (issue 13): its hooks' token, the signal mode, quiet time. */
  readonly agentSignals?: AgentSignalOptions | undefined;
  /** Arguments added around the record's argv for this run only (the agent's hook settings). */
  readonly wrapArgs?: { readonly prepend: readonly string[]; readonly append: readonly string[] } | undefined;
};

export type SessionHost = {
  readonly record: () => SessionRecord;
  readonly stop: (reason?: string) => void;
  /** Writes bytes to every attached terminal outside the session's output (a notification's OSC); returns how many got them. */
  readonly notice: (data: Uint8Array) => number;
  /** Resolves after the child exited, every client was told, and the socket is closed. */
  readonly done: Promise<PtyExit>;
  /**
   * A connection that reached this session through the host server's control socket (an attach
   * by name, AttachRequest) becomes one of its clients, `hello` its first frame; the server
   * passes on what the connection does from then on.
   */
  readonly accept: (socket: ServerClient, hello: Hello) => Omit<ServerHandlers<ClientStream>, "open"> & { readonly client: ClientStream };
};

/**
 * One session: a PTY, the retained output window, the screen model, and any number
 * of clients. Raw bytes go to clients straight from the window (a slow client never
 * slows the PTY: it catches up from its offset or gets a fresh snapshot).
 *
 * The record moves to `running` before the agent is spawned, in one store write that
 * the lifecycle may refuse (ILLEGAL_TRANSITION): a host that turns up after its launcher
 * gave up on it finds the record final and throws without starting anything.
 */
export function startSessionHost(deps: SessionHostDeps, options: SessionHostOptions): SessionHost {
  const claimed = deps.store.update(options.sessionId, { state: "running" });
  if (!claimed) throw new RemoteError("SESSION_NOT_FOUND", `Cannot host session '${options.sessionId}': it is not in the store`, undefined, "not-found");
  let record = claimed;
  const target = options.target ?? "local";
  const cols = options.cols ?? 80;
  const rows = options.rows ?? 24;
  const window = createOutputWindow(options.retainBytes);
  const screen = deps.screen.create(cols, rows);
  const clients = new Set<ClientStream>();
  /** Attached clients whose attach was recorded and told to plugins (so a detach is never told before it). */
  const announced = new WeakSet<ClientStream>();
  const lastSeq = new Map<string, number>();
  let exited: PtyExit | undefined;
  let stopping = false;
  let tidy: ReturnType<typeof setTimeout> | undefined;
  let failure: string | undefined;
  let agentPid: number | undefined;

  /**
   * Sessions share the host server's process: an exception in this session's code path
   * ends this session (its agent is killed, the record says why), never the process.
   */
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = errorMessage(error);
    deps.log.error(`session ${options.sessionId} failed in its host: ${error instanceof Error ? (error.stack ?? failure) : failure}`);
    if (agentPid !== undefined && !exited) options.killGroup(agentPid, "SIGKILL");
  };
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        fail(error);
      }
    };

  const spawn = () => deps.pty.spawn({
    command: record.command,
    // The hook wiring (agent-state) goes around the person's argv, never into the record.
    args: [...(options.wrapArgs?.prepend ?? []), ...record.args, ...(options.wrapArgs?.append ?? [])],
    cwd: record.cwd,
    env: options.env,
    cols,
    rows,
    onData: guard((data) => {
      window.append(data);
      // Clients first: a keystroke's echo should not wait behind the terminal model.
      for (const c of clients) c.pump();
      screen.write(data);
      tracker.output();
      if (deps.collectGarbage) {
        // One timer pushed back on every chunk (no new timer per chunk on the output path).
        if (tidy === undefined) {
          tidy = setTimeout(deps.collectGarbage, QUIET_MS);
          tidy.unref?.();
        } else tidy.refresh();
      }
    }),
  });

  const setRecord = (patch: SessionPatch) => {
    record = deps.store.update(record.id, patch) ?? record;
  };
  /** Client counts are advisory: a busy store must not fail the session over one. */
  const noteClients = () => {
    try {
      setRecord({ clients: attachedCount() });
    } catch (error) {
      deps.log.warn(`could not record the client count of ${record.id}: ${errorMessage(error)}`);
    }
  };
  const tracker = createAgentTracker(
    { clock: deps.clock, log: deps.log, bus: deps.bus, events: deps.events, window },
    {
      record: () => record,
      setStatus: (agentStatus) => setRecord({ agentStatus }),
      options: options.agentSignals,
    },
  );
  let child: ReturnType<PtyPort["spawn"]>;
  try {
    child = spawn();
  } catch (error) {
    // Bun cannot exec it (the cwd went away, the binary is not executable): say so in the record.
    screen.dispose();
    setRecord({ state: "failed", reason: `could not start ${record.command} in ${record.cwd}: ${errorMessage(error)}`, endedAt: deps.clock.now().toISOString() });
    throw error;
  }
  agentPid = child.pid;
  setRecord({ pid: child.pid, agent: options.identify?.(child.pid) });
  void deps.bus.emit("session:start", { session: record, target });
  tracker.begin();

  const attachedCount = () => [...clients].filter((c) => c.attached()).length;
  const resize = (c: number, r: number) => {
    if (!Number.isInteger(c) || !Number.isInteger(r) || c < 1 || r < 1 || c > 1000 || r > 1000) return;
    const now = screen.size();
    if (now.cols === c && now.rows === r) return;
    screen.resize(c, r);
    child.resize(c, r);
  };

  const reply = (client: ClientStream, value: unknown) => client.send({ type: FrameType.reply, reply: value });
  const handleRequest = async (client: ClientStream, request: HostRequest) => {
    switch (request.op) {
      case "info":
        return reply(client, { ...record, offset: window.end(), ...screen.size(), clients: attachedCount() });
      case "text":
        return reply(client, await screen.text(request.lines));
      case "send":
        child.write(request.data);
        return reply(client, { ok: true });
      case "stop":
        stop(request.reason);
        return reply(client, { ok: true });
      case "output":
        return reply(client, outputReply(window, request.from));
      case "signal":
        return reply(client, tracker.hook(request));
      default:
        return reply(client, { error: `unknown op` });
    }
  };

  const onHello = (client: ClientStream, hello: Hello) => {
    if (hello.mode === "attach") {
      // The name may have changed since we started (`remote rename`): welcome with the current one.
      record = deps.store.get(record.id) ?? record;
      if (!hello.readOnly && hello.cols && hello.rows) resize(hello.cols, hello.rows);
      const device = hello.terminal && !exited ? deps.terminals?.open(hello.terminal) : undefined;
      client.send({
        type: FrameType.welcome,
        welcome: { id: record.id, name: record.name, ...screen.size(), offset: window.end(), lastSeq: lastSeq.get(hello.clientId) ?? 0, ...(device ? { terminal: true } : {}) },
      });
      // The screen first, then the keys: the person waits for the one, the other waits in the terminal meanwhile
      // (queued behind the screen's write, which a ready redraw makes the next microtask).
      if (device) client.takeTerminal(device);
      client.startStreaming(hello.fromOffset);
      if (device) queueMicrotask(guard(() => readTerminal(client, device, hello)));
      // The store write and the plugins come after the first frame is on its way: the person waits for the screen, not for them.
      setImmediate(
        guard(() => {
          if (!clients.has(client) || exited) return;
          announced.add(client);
          noteClients();
          void deps.bus.emit("session:attach", { session: record, target, clients: attachedCount() });
        }),
      );
    }
    if (exited) client.send({ type: FrameType.exit, exit: exited });
  };

  /**
   * The client's own terminal, read here: keys go to the agent as they come (no hop through
   * the client), the detach chord is watched here, and the client keeps only raw mode and resizes.
   */
  const readTerminal = (client: ClientStream, device: TerminalDevice, hello: Hello) => {
    const chord = detachChord({
      forward: (data) => {
        if (!hello.readOnly && !exited && clients.has(client)) child.write(data);
      },
      detach: () => {
        chord.dispose();
        client.detach();
      },
    });
    device.read({ input: guard(chord.feed), end: () => client.end() });
  };

  const onFrame = (client: ClientStream, frame: Frame) => {
    const hello = client.hello();
    if (frame.type === FrameType.hello) {
      if (hello) return client.end();
      client.setHello(frame.hello);
      return onHello(client, frame.hello);
    }
    if (!hello) return client.end();
    switch (frame.type) {
      case FrameType.input: {
        if (hello.readOnly || exited) return;
        // Exactly once: a resent frame (same client, seq already applied) is dropped.
        if (frame.seq <= (lastSeq.get(hello.clientId) ?? 0)) return;
        lastSeq.set(hello.clientId, frame.seq);
        child.write(frame.data);
        return;
      }
      case FrameType.resize:
        if (!hello.readOnly) resize(frame.cols, frame.rows);
        return;
      case FrameType.request:
        handleRequest(client, frame.request).catch(fail);
        return;
      default:
        client.end();
    }
  };

  const handlers: ServerHandlers<ClientStream> = {
    open: (socket: ServerClient) => {
      const client = createClientStream(socket, window, screen, guard((frame: Frame) => onFrame(client, frame)));
      clients.add(client);
      return client;
    },
    data: guard((client: ClientStream, chunk: Uint8Array) => client.receive(chunk)),
    drain: guard((client: ClientStream) => client.pump()),
    close: guard((client: ClientStream) => {
      // Lets go of the client's terminal if we read it: its keys belong to its shell again.
      client.end();
      clients.delete(client);
      if (announced.has(client) && !exited) {
        noteClients();
        void deps.bus.emit("session:detach", { session: record, target, clients: attachedCount() });
      }
    }),
  };
  const listen = () => deps.server.listen<ClientStream>(options.socketPath, handlers);
  const accept = (socket: ServerClient, hello: Hello) => {
    const client = handlers.open(socket);
    guard(onFrame)(client, { type: FrameType.hello, hello });
    return { client, data: handlers.data, drain: handlers.drain, close: handlers.close };
  };
  let server: ReturnType<typeof listen>;
  try {
    server = listen();
  } catch (error) {
    // Nobody could ever reach the agent: it goes, and the record says why.
    options.killGroup(child.pid, "SIGKILL");
    screen.dispose();
    setRecord({ state: "failed", reason: `could not listen on ${options.socketPath}: ${errorMessage(error)}`, endedAt: deps.clock.now().toISOString() });
    throw error;
  }

  const stop = (reason?: string) => {
    if (stopping || exited) return;
    stopping = true;
    deps.log.info(`stopping session ${record.id}${reason ? `: ${reason}` : ""}`);
    const grace = options.stopGraceMs ?? 2000;
    const steps: NodeJS.Signals[] = ["SIGHUP", "SIGTERM", "SIGKILL"];
    const next = (i: number) => {
      if (exited || i >= steps.length) return;
      options.killGroup(child.pid, steps[i] as NodeJS.Signals);
      setTimeout(() => next(i + 1), grace).unref?.();
    };
    next(0);
  };

  // Whatever fails below, the clients are told, the socket closes and `done` resolves: the host always ends.
  const done = child.exited.then(async (exit) => {
    exited = exit;
    clearTimeout(tidy);
    const ended = tracker.end();
    // Killed because its own host code threw: that is a failure of ours, not the agent's exit.
    const ending: SessionPatch =
      failure === undefined
        ? { state: "exited", exitCode: exit.exitCode, exitSignal: exit.signal ?? undefined }
        : { state: "failed", reason: `host error: ${failure}`, exitCode: exit.exitCode, exitSignal: exit.signal ?? undefined };
    try {
      await recordExit(deps, options, () => setRecord({ ...ending, endedAt: deps.clock.now().toISOString(), clients: 0, ...(ended ? { agentStatus: ended.current } : {}) }));
      if (ended) tracker.announce(ended);
      try {
        options.saveScrollback((await screen.text()).text);
      } catch (error) {
        deps.log.warn(`could not save scrollback: ${errorMessage(error)}`);
      }
      // A client that fails to finish is cut off; it must not keep the socket open or the model alive.
      await Promise.all([...clients].map((c) => c.finish(exit).catch(() => c.end())));
    } finally {
      server.stop();
      screen.dispose();
    }
    try {
      await deps.bus.emit("session:exit", { session: record, target, exitCode: exit.exitCode, signal: exit.signal });
    } catch (error) {
      deps.log.warn(`a session:exit handler failed: ${errorMessage(error)}`);
    }
    return exit;
  });

  const notice = (data: Uint8Array) => {
    if (exited) return 0;
    const terminals = [...clients].filter((c) => c.hello()?.mode === "attach");
    for (const c of terminals) c.notice(data);
    return terminals.length;
  };

  return { record: () => record, stop, notice, done, accept };
}

/**
 * Records the session's end, retrying while the store is busy (another process holds
 * its write lock) for a bounded time. If it never succeeds the host ends anyway:
 * readers then see the session `lost`, which is true, since its host is gone.
 */
async function recordExit(deps: Pick<SessionHostDeps, "clock" | "log">, options: Pick<SessionHostOptions, "exitRecordBudgetMs" | "sessionId">, write: () => void): Promise<void> {
  const started = deps.clock.now().getTime();
  for (let attempt = 0; ; attempt++) {
    try {
      return write();
    } catch (error) {
      const busy = isRemoteError(error) && error.code === "STORE_BUSY";
      const wait = busy ? storeRetryDelay(attempt, deps.clock.now().getTime() - started, options.exitRecordBudgetMs ?? EXIT_RECORD_BUDGET_MS) : undefined;
      if (wait === undefined) {
        deps.log.error(`could not record the end of session ${options.sessionId}${busy ? ` (gave up after ${attempt + 1} tries)` : ""}: ${errorMessage(error)}`);
        return;
      }
      deps.log.warn(`the store is busy; recording the end of session ${options.sessionId} again in ${wait} ms`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
