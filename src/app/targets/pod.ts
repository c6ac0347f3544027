import { constants } from "node:os";
import { socketPathFor } from "../../domain/config.ts";
import { parsePodSpec, podExitCode } from "../../domain/target.ts";
import type { AppDeps } from "../deps.ts";
import { hostSession } from "../host/boot.ts";

type Deps = Pick<AppDeps, "config" | "store" | "clock" | "process" | "importModule" | "hostPorts" | "env" | "onSignal" | "log">;

/**
 * `remote __pod`: the entrypoint of a session container. It records its one session in the
 * container's own REMOTE_HOME and hosts it with the very code of the local host server
 * (boot.ts, session-host.ts): the socket, offsets, redraw and exactly-once input are the
 * same. The container lives as long as the agent and exits with its code.
 */
export async function runPod(deps: Deps): Promise<number> {
  const spec = parsePodSpec(deps.env.REMOTE_POD_SESSION);
  const self = deps.process.identify(process.pid);
  if (!self) throw new Error("cannot identify the container's session host");
  deps.store().insert({
    id: spec.sessionId,
    name: spec.name,
    profile: spec.profile,
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd,
    source: "run",
    state: "starting",
    socketPath: socketPathFor(deps.config.paths, spec.sessionId),
    clients: 0,
    createdAt: deps.clock.now().toISOString(),
    launcher: self,
    meta: {},
  });
  const { REMOTE_POD_SESSION: _spec, ...env } = deps.env;
  const session = await hostSession({ ...deps, self }, deps, { op: "host", sessionId: spec.sessionId, env, cols: spec.cols, rows: spec.rows, target: spec.target ?? "docker" }, undefined);
  // `docker stop` sends TERM to pid 1 (us): the agent is hung up as by `remote stop`.
  deps.onSignal("SIGTERM", () => session.stop("container stopped"));
  deps.onSignal("SIGHUP", () => {});
  deps.onSignal("SIGINT", () => {});
  const exit = await session.done;
  return podExitCode(exit, (name) => (constants.signals as Record<string, number>)[name]);
}
