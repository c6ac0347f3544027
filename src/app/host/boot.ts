import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { sessionDirFor, socketPathFor } from "../../domain/config.ts";
import { isRemoteError, RemoteError } from "../../domain/errors.ts";
import type { HostSessionRequest } from "../../domain/host-protocol.ts";
import { describeState } from "../../domain/session-lifecycle.ts";
import type { ProcessIdentity, SessionRecord } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { installNotifiers } from "../notify/notifiers.ts";
import { createEventBus, loadPlugins } from "../plugins.ts";
import { startSessionHost, type SessionHost } from "./session-host.ts";
import { signalModeFor } from "../../domain/agent-state/fold.ts";
import { insecureAncestor, SIGNAL_SOCKET_ENV, SIGNAL_TOKEN_ENV, signalWiring } from "../../domain/agent-state/hook-wiring.ts";

/** Variables of ours that must not leak into the agent's environment. */
const INTERNAL_ENV = ["REMOTE_HOST_BOOT", SIGNAL_TOKEN_ENV];

/**
 * One session inside the host server: its own log file, plugins, environment, size and
 * socket, as it had when it was a process of its own. `server` is the host server's deps
 * (one store connection for all sessions) and identity; `session` is built from the
 * launcher's env, so config (REMOTE_HOME, plugins, retain_bytes, scrollback) is what the
 * launcher saw. Throws when the session cannot (or must no longer) be hosted.
 */
export async function hostSession(
  server: Pick<AppDeps, "store" | "clock" | "process" | "importModule"> & { readonly self: ProcessIdentity },
  session: Pick<AppDeps, "config" | "hostPorts" | "selfCommand" | "random" | "eventLog">,
  request: HostSessionRequest,
  collectGarbage: (() => void) | undefined,
): Promise<SessionHost> {
  const { paths } = session.config;
  const { sessionId } = request;
  // The record answers to the server from now on (not to the launcher, which may die first);
  // a record that already ended (its launcher gave up on it) is left alone, and nothing starts.
  const claimed = server.store().mutate(sessionId, (current) => (current.state === "starting" ? { host: server.self } : undefined));
  if (claimed?.state !== "starting") throw refused(sessionId, claimed);

  const dir = sessionDirFor(paths, sessionId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ports = await session.hostPorts("session");
  const log = ports.fileLog(`${dir}/host.log`);
  const bus = createEventBus(log);
  await loadPlugins(session.config.plugins, bus, { home: paths.home, optionsByName: session.config.pluginOptions }, log, server.importModule);
  // Set before the host exists: the terminal notifier reaches this session's clients once it does.
  let host: SessionHost | undefined;
  const notifierPorts = ports.notifiers;
  await installNotifiers(bus, session.config.notify, {
    clock: server.clock,
    log,
    home: paths.home,
    tellAttached: (id, data) => (id === sessionId && host ? host.notice(data) : 0),
    ports: notifierPorts && (async () => {
      const loaded = await notifierPorts();
      return { desktop: () => loaded.desktop(request.env), http: loaded.http, wait: loaded.wait };
    }),
  });

  const env: Record<string, string> = { ...request.env, REMOTE_SESSION_ID: sessionId, REMOTE_HOME: paths.home };
  for (const key of INTERNAL_ENV) delete env[key];
  if (!env.TERM) env.TERM = "xterm-256color";
  // The agent's hooks prove their session with this secret, which only this agent's environment holds.
  const token = session.random.id(32);
  let wiring = signalWiring(claimed.profile, session.selfCommand, `${dir}/agent-settings.json`);
  let mode = signalModeFor(claimed.profile);
  const unread = wiring.file ? insecureAncestor(wiring.file.path, modeOf) : undefined;
  if (unread !== undefined) {
    // Gemini would skip the file and say so on the person's screen: follow its output instead.
    log.warn(`${claimed.profile} hooks not installed for ${sessionId}: '${unread}' is writable by others, so ${claimed.profile} would not read ${wiring.file?.path}; its state follows its output`);
    wiring = { prependArgs: [], appendArgs: [], env: {} };
    mode = "activity";
  }
  if (wiring.file) writeFileSync(wiring.file.path, wiring.file.text, { mode: 0o600 });
  Object.assign(env, wiring.env, { [SIGNAL_TOKEN_ENV]: token, [SIGNAL_SOCKET_ENV]: socketPathFor(paths, sessionId) });
  let events: ReturnType<AppDeps["eventLog"]> | undefined;
  try {
    events = session.eventLog();
  } catch (error) {
    log.warn(`state changes of ${sessionId} are not logged: ${error instanceof Error ? error.message : String(error)}`);
  }

  try {
    host = startSessionHost(
      { store: server.store(), clock: server.clock, log, bus, events, pty: ports.pty, screen: ports.screen, server: ports.server, terminals: ports.terminals, ...(collectGarbage ? { collectGarbage } : {}) },
      {
        sessionId,
        socketPath: socketPathFor(paths, sessionId),
        env,
        retainBytes: session.config.retainBytes,
        cols: request.cols,
        rows: request.rows,
        killGroup: (pid, signal) => {
          if (!server.process.signal(pid, signal, true)) server.process.signal(pid, signal);
        },
        saveScrollback: (text) => writeFileSync(`${dir}/scrollback.txt`, text, { mode: 0o600 }),
        identify: server.process.identify,
        ...(request.target ? { target: request.target } : {}),
        agentSignals: { token, mode, throttleProfile: claimed.profile === "shell" ? undefined : claimed.profile, quietMs: session.config.agentQuietMs, timeZone: session.config.jobs.timeZone },
        wrapArgs: { prepend: wiring.prependArgs, append: wiring.appendArgs },
      },
    );
  } catch (error) {
    // Too late: while it loaded, the launcher gave up on it and marked the session failed.
    if (isRemoteError(error) && error.code === "ILLEGAL_TRANSITION") throw refused(sessionId, server.store().get(sessionId));
    log.error(`could not host session ${sessionId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw error;
  }
  void host.done.then((exit) => log.info(`session ${sessionId} ended: code ${exit.exitCode} signal ${exit.signal}`));
  return host;
}

const modeOf = (dir: string) => (existsSync(dir) ? statSync(dir).mode : undefined);

function refused(sessionId: string, record: SessionRecord | undefined): RemoteError {
  const why = record ? `it is ${describeState({ ...record, signal: record.exitSignal })}` : "it is not in the store";
  return new RemoteError("HOST_REFUSED", `Cannot host session '${sessionId}': ${why}`, undefined, "conflict");
}
