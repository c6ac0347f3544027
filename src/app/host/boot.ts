import { mkdirSync, writeFileSync } from "node:fs";
import { sessionDirFor, socketPathFor } from "../../domain/config.ts";
import type { HostSessionRequest } from "../../domain/host-protocol.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins } from "../plugins.ts";
import { startSessionHost, type SessionHost } from "./session-host.ts";

/** Variables of ours that must not leak into the agent's environment. */
const INTERNAL_ENV = ["REMOTE_HOST_BOOT"];

/**
 * One session inside the host server: its own log file, plugins, environment, size and
 * socket, as it had when it was a process of its own. `server` is the host server's deps
 * (one store connection for all sessions); `session` is built from the launcher's env,
 * so config (REMOTE_HOME, plugins, retain_bytes, scrollback) is what the launcher saw.
 */
export async function hostSession(
  server: Pick<AppDeps, "store" | "clock" | "process" | "importModule">,
  session: Pick<AppDeps, "config" | "hostPorts">,
  request: HostSessionRequest,
  collectGarbage: (() => void) | undefined,
): Promise<SessionHost> {
  const { paths } = session.config;
  const { sessionId } = request;
  const dir = sessionDirFor(paths, sessionId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ports = await session.hostPorts();
  const log = ports.fileLog(`${dir}/host.log`);
  const bus = createEventBus(log);
  await loadPlugins(session.config.plugins, bus, { home: paths.home, optionsByName: session.config.pluginOptions }, log, server.importModule);

  const env: Record<string, string> = { ...request.env, REMOTE_SESSION_ID: sessionId, REMOTE_HOME: paths.home };
  for (const key of INTERNAL_ENV) delete env[key];
  if (!env.TERM) env.TERM = "xterm-256color";

  const host = startSessionHost(
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
    },
  );
  void host.done.then((exit) => log.info(`session ${sessionId} ended: code ${exit.exitCode} signal ${exit.signal}`));
  return host;
}
