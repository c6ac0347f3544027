import { mkdirSync, writeFileSync } from "node:fs";
import { sessionDirFor, socketPathFor } from "../../domain/config.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins } from "../plugins.ts";
import { startSessionHost } from "./session-host.ts";

/** Variables of ours that must not leak into the agent's environment. */
const INTERNAL_ENV = ["REMOTE_HOST_BOOT"];

/**
 * The `remote __host <id>` process: load plugins, start the PTY and the socket, say
 * "ready" on stdout (the launcher waits for it), then live until the agent exits.
 */
export async function bootSessionHost(deps: AppDeps, sessionId: string, size: { cols: number; rows: number }): Promise<number> {
  const { paths } = deps.config;
  const bus = createEventBus(deps.log);
  await loadPlugins(deps.config.plugins, bus, { home: paths.home, optionsByName: deps.config.pluginOptions }, deps.log, deps.importModule);

  const env: Record<string, string> = { ...deps.env, REMOTE_SESSION_ID: sessionId, REMOTE_HOME: paths.home };
  for (const key of INTERNAL_ENV) delete env[key];
  if (!env.TERM) env.TERM = "xterm-256color";

  const ports = await deps.hostPorts();
  const dir = sessionDirFor(paths, sessionId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const host = startSessionHost(
    { store: deps.store(), clock: deps.clock, log: deps.log, bus, ...ports },
    {
      sessionId,
      socketPath: socketPathFor(paths, sessionId),
      env,
      retainBytes: deps.config.retainBytes,
      cols: size.cols,
      rows: size.rows,
      killGroup: (pid, signal) => {
        if (!deps.process.signal(pid, signal, true)) deps.process.signal(pid, signal);
      },
      saveScrollback: (text) => writeFileSync(`${dir}/scrollback.txt`, text, { mode: 0o600 }),
    },
  );
  const self = deps.process.identify(process.pid);
  if (self) deps.store().update(sessionId, { host: self });

  // The host outlives terminals: hang-ups and Ctrl-C are not for it; TERM stops the session cleanly.
  deps.onSignal("SIGHUP", () => {});
  deps.onSignal("SIGINT", () => {});
  deps.onSignal("SIGTERM", () => host.stop("host received SIGTERM"));
  deps.onUncaughtError((error) => deps.log.error(`host error (session kept running): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  deps.stdout("ready\n");

  const exit = await host.done;
  deps.log.info(`session ${sessionId} ended: code ${exit.exitCode} signal ${exit.signal}`);
  return 0;
}
