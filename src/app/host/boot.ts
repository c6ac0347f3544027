import { mkdirSync, writeFileSync } from "node:fs";
import { sessionDirFor, socketPathFor } from "../../domain/config.ts";
import { isRemoteError, RemoteError } from "../../domain/errors.ts";
import type { HostSessionRequest } from "../../domain/host-protocol.ts";
import { describeState } from "../../domain/session-lifecycle.ts";
import type { ProcessIdentity, SessionRecord } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins } from "../plugins.ts";
import { startSessionHost, type SessionHost } from "./session-host.ts";

/** Variables of ours that must not leak into the agent's environment. */
const INTERNAL_ENV = ["REMOTE_HOST_BOOT"];

/**
 * One session inside the host server: its own log file, plugins, environment, size and
 * socket, as it had when it was a process of its own. `server` is the host server's deps
 * (one store connection for all sessions) and identity; `session` is built from the
 * launcher's env, so config (REMOTE_HOME, plugins, retain_bytes, scrollback) is what the
 * launcher saw. Throws when the session cannot (or must no longer) be hosted.
 */
export async function hostSession(
  server: Pick<AppDeps, "store" | "clock" | "process" | "importModule"> & { readonly self: ProcessIdentity },
  session: Pick<AppDeps, "config" | "hostPorts">,
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

  const env: Record<string, string> = { ...request.env, REMOTE_SESSION_ID: sessionId, REMOTE_HOME: paths.home };
  for (const key of INTERNAL_ENV) delete env[key];
  if (!env.TERM) env.TERM = "xterm-256color";

  let host: SessionHost;
  try {
    host = startSessionHost(
      { store: server.store(), clock: server.clock, log, bus, pty: ports.pty, screen: ports.screen, server: ports.server, ...(collectGarbage ? { collectGarbage } : {}) },
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

function refused(sessionId: string, record: SessionRecord | undefined): RemoteError {
  const why = record ? `it is ${describeState({ ...record, signal: record.exitSignal })}` : "it is not in the store";
  return new RemoteError("HOST_REFUSED", `Cannot host session '${sessionId}': ${why}`, undefined, "conflict");
}
