import { mkdirSync, writeFileSync } from "node:fs";
import { sessionDirFor, socketPathFor } from "../../domain/config.ts";
import { isRemoteError } from "../../domain/errors.ts";
import { describeState } from "../../domain/session-lifecycle.ts";
import type { SessionRecord } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins } from "../plugins.ts";
import { startSessionHost, type SessionHost } from "./session-host.ts";

/** Variables of ours that must not leak into the agent's environment. */
const INTERNAL_ENV = ["REMOTE_HOST_BOOT"];

/**
 * The `remote __host <id>` process: load plugins, start the PTY and the socket, say
 * "ready" on stdout (the launcher waits for it), then live until the agent exits.
 */
export async function bootSessionHost(deps: AppDeps, sessionId: string, size: { cols: number; rows: number }): Promise<number> {
  const { paths } = deps.config;
  // The record answers to this process from now on (not to the launcher, which may die first);
  // a record that already ended (its launcher gave up on us) is left alone, and nothing starts.
  const self = deps.process.identify(process.pid);
  const claimed = deps.store().mutate(sessionId, (current) => (current.state === "starting" ? { host: self } : undefined));
  if (claimed?.state !== "starting") return refuseToHost(deps, sessionId, claimed);

  const bus = createEventBus(deps.log);
  await loadPlugins(deps.config.plugins, bus, { home: paths.home, optionsByName: deps.config.pluginOptions }, deps.log, deps.importModule);

  const env: Record<string, string> = { ...deps.env, REMOTE_SESSION_ID: sessionId, REMOTE_HOME: paths.home };
  for (const key of INTERNAL_ENV) delete env[key];
  if (!env.TERM) env.TERM = "xterm-256color";

  const ports = await deps.hostPorts();
  const dir = sessionDirFor(paths, sessionId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const start = () =>
    startSessionHost(
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
        identify: deps.process.identify,
      },
    );
  let host: SessionHost;
  try {
    host = start();
  } catch (error) {
    // Too late: while we loaded, the launcher gave up on us and marked the session failed.
    if (isRemoteError(error) && error.code === "ILLEGAL_TRANSITION") return refuseToHost(deps, sessionId, deps.store().get(sessionId));
    throw error;
  }

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

function refuseToHost(deps: Pick<AppDeps, "log">, sessionId: string, record: SessionRecord | undefined): number {
  const why = record ? `it is ${describeState({ ...record, signal: record.exitSignal })}` : "it is not in the store";
  deps.log.warn(`not hosting session ${sessionId}: ${why}`);
  return 1;
}
