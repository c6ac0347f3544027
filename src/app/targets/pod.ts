import { constants } from "node:os";
import { socketPathFor } from "../../domain/config.ts";
import { parsePodSpec, podExitCode } from "../../domain/target.ts";
import type { AppDeps } from "../deps.ts";
import { APPLIED_SHA256 } from "../../domain/plugins/home-layout.ts";
import { existsSync, readFileSync } from "node:fs";
import { hostSession } from "../host/boot.ts";
import { errorMessage, isRemoteError } from "../../domain/errors.ts";
import { agentMissingInImage, agentStartFailedInImage } from "../../domain/container-start-error.ts";
import { credentialsBeforeStart } from "./pod-credentials.ts";
import { preparedBeforeStart } from "./pod-prepared.ts";

type Deps = Pick<AppDeps, "config" | "store" | "clock" | "process" | "importModule" | "hostPorts" | "env" | "onSignal" | "log" | "selfCommand" | "random" | "eventLog">;

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
  // An image without the agent's CLI fails at once and says so (its creator reads this from the log), before anything waits.
  if (deps.process.which(spec.command, deps.env.PATH) === undefined) throw agentMissingInImage(spec.profile, spec.command, spec.image);
  // The credential files are in HOME before the agent can look for them.
  await credentialsBeforeStart(deps, spec);
  // The workspace's files and a migrated conversation, when its control plane puts them in.
  await preparedBeforeStart(deps, spec);
  // A Pod created again on the same volume (a hard refresh) hosts the same session: the record of its previous run goes.
  deps.store().remove(spec.sessionId);
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
  if (spec.plugins !== undefined && deps.env.HOME) await waitForPlugins(deps, `${deps.env.HOME}/${APPLIED_SHA256}`, spec.plugins);
  const { REMOTE_POD_SESSION: _spec, ...env } = deps.env;
  const session = await hostSession({ ...deps, self }, deps, { op: "host", sessionId: spec.sessionId, env, cols: spec.cols, rows: spec.rows, target: spec.target ?? "docker" }, undefined).catch((error: unknown) => {
    // The agent could not start here (not executable, a library missing): the image's problem, said in its words.
    throw isRemoteError(error) ? error : agentStartFailedInImage(spec.profile, spec.image, errorMessage(error));
  });
  // `docker stop` sends TERM to pid 1 (us): the agent is hung up as by `remote stop`.
  deps.onSignal("SIGTERM", () => session.stop("container stopped"));
  deps.onSignal("SIGHUP", () => {});
  deps.onSignal("SIGINT", () => {});
  const exit = await session.done;
  return podExitCode(exit, (name) => (constants.signals as Record<string, number>)[name]);
}

/** How long a container waits for its plugins before starting the agent without them. */
const PLUGINS_WAIT_MS = 120_000;

/**
 * Waits until the client that created this container has synced its plugins (it writes
 * `sha256` into HOME last, through exec). Polled, not watched: the file arrives from
 * another process through the engine, and inotify on overlay or volume mounts is not
 * to be relied on. Past the deadline the agent starts anyway, and the log says so.
 */
async function waitForPlugins(deps: Pick<AppDeps, "log">, path: string, sha256: string): Promise<void> {
  const deadline = Date.now() + PLUGINS_WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(path) && readFileSync(path, "utf8").trim() === sha256) return;
    await Bun.sleep(100);
  }
  deps.log.warn(`plugins not synced after ${PLUGINS_WAIT_MS / 1000} s: starting the agent without them`);
}
