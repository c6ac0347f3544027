import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { FrameType, outputReply, type Frame, type Hello, type HostRequest } from "../../domain/host-protocol.ts";
import { createOutputWindow } from "../../domain/output-window.ts";
import type { ClockPort, LogPort, PtyExit, PtyPort, ScreenPort, ServerClient, SessionStorePort, SocketServerPort } from "../../domain/ports.ts";
import type { SessionRecord } from "../../domain/session.ts";
import type { EventBus } from "../plugins.ts";
import { createClientStream, type ClientStream } from "./client-stream.ts";

export type SessionHostDeps = {
  readonly store: SessionStorePort;
  readonly pty: PtyPort;
  readonly screen: ScreenPort;
  readonly server: SocketServerPort;
  readonly clock: ClockPort;
  readonly log: LogPort;
  readonly bus: EventBus;
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
};

export type SessionHost = {
  readonly record: () => SessionRecord;
  readonly stop: (reason?: string) => void;
  /** Resolves after the child exited, every client was told, and the socket is closed. */
  readonly done: Promise<PtyExit>;
};

/**
 * One session: a PTY, the retained output window, the screen model, and any number
 * of clients. Raw bytes go to clients straight from the window (a slow client never
 * slows the PTY: it catches up from its offset or gets a fresh snapshot).
 */
export function startSessionHost(deps: SessionHostDeps, options: SessionHostOptions): SessionHost {
  const initial = deps.store.get(options.sessionId);
  if (!initial) throw new RemoteError("SESSION_NOT_FOUND", `Cannot host session '${options.sessionId}': it is not in the store`, undefined, "not-found");
  let record = initial;
  const cols = options.cols ?? 80;
  const rows = options.rows ?? 24;
  const window = createOutputWindow(options.retainBytes);
  const screen = deps.screen.create(cols, rows);
  const clients = new Set<ClientStream>();
  const lastSeq = new Map<string, number>();
  let exited: PtyExit | undefined;
  let stopping = false;
  let tidy: ReturnType<typeof setTimeout> | undefined;

  const child = deps.pty.spawn({
    command: record.command,
    args: record.args,
    cwd: record.cwd,
    env: options.env,
    cols,
    rows,
    onData: (data) => {
      window.append(data);
      // Clients first: a keystroke's echo should not wait behind the terminal model.
      for (const c of clients) c.pump();
      screen.write(data);
      if (deps.collectGarbage) {
        // One timer pushed back on every chunk (no new timer per chunk on the output path).
        if (tidy === undefined) {
          tidy = setTimeout(deps.collectGarbage, QUIET_MS);
          tidy.unref?.();
        } else tidy.refresh();
      }
    },
  });

  const setRecord = (patch: Parameters<SessionStorePort["update"]>[1]) => {
    record = deps.store.update(record.id, patch) ?? record;
  };
  setRecord({ state: "running", pid: child.pid });
  void deps.bus.emit("session:start", { session: record });

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
      default:
        return reply(client, { error: `unknown op` });
    }
  };

  const onHello = (client: ClientStream, hello: Hello) => {
    if (hello.mode === "attach") {
      // The name may have changed since we started (`remote rename`): welcome with the current one.
      record = deps.store.get(record.id) ?? record;
      if (!hello.readOnly && hello.cols && hello.rows) resize(hello.cols, hello.rows);
      client.send({
        type: FrameType.welcome,
        welcome: { id: record.id, name: record.name, ...screen.size(), offset: window.end(), lastSeq: lastSeq.get(hello.clientId) ?? 0 },
      });
      client.startStreaming(hello.fromOffset);
      setRecord({ clients: attachedCount() });
      void deps.bus.emit("session:attach", { session: record, clients: attachedCount() });
    }
    if (exited) client.send({ type: FrameType.exit, exit: exited });
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
        void handleRequest(client, frame.request);
        return;
      default:
        client.end();
    }
  };

  const server = deps.server.listen<ClientStream>(options.socketPath, {
    open: (socket: ServerClient) => {
      const client = createClientStream(socket, window, screen, (frame) => onFrame(client, frame));
      clients.add(client);
      return client;
    },
    data: (client, chunk) => client.receive(chunk),
    drain: (client) => client.pump(),
    close: (client) => {
      clients.delete(client);
      if (client.attached() && !exited) {
        setRecord({ clients: attachedCount() });
        void deps.bus.emit("session:detach", { session: record, clients: attachedCount() });
      }
    },
  });

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

  const done = child.exited.then(async (exit) => {
    exited = exit;
    setRecord({ state: "exited", exitCode: exit.exitCode, exitSignal: exit.signal ?? undefined, endedAt: deps.clock.now().toISOString(), clients: 0 });
    try {
      options.saveScrollback((await screen.text()).text);
    } catch (error) {
      deps.log.warn(`could not save scrollback: ${errorMessage(error)}`);
    }
    await Promise.all([...clients].map((c) => c.finish(exit)));
    server.stop();
    await deps.bus.emit("session:exit", { session: record, exitCode: exit.exitCode, signal: exit.signal });
    return exit;
  });

  return { record: () => record, stop, done };
}

