import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DESIRED_MANIFEST } from "../../domain/plugins/home-layout.ts";
import { sessionDirFor } from "../../domain/config.ts";
import { errorMessage, isRemoteError, RemoteError } from "../../domain/errors.ts";
import { complaintIn, LAST_OUTPUT_LINES, startFailureFrom } from "../../domain/container-start-error.ts";
import { FrameType, type ExitInfo } from "../../domain/host-protocol.ts";
import { interactiveCommand } from "../../domain/profiles.ts";
import { startingRecord, type SessionPatch, type SessionRecord, type SessionRunBasics } from "../../domain/session.ts";
import { isFinal } from "../../domain/session-lifecycle.ts";
import { podSocketFor } from "../../domain/kube/entrypoint.ts";
import { CONTAINER_HOME, CONTAINER_HOME_META, CONTAINER_WORKSPACE, containerEnv, containerSocketFor, type ContainerStatus, type KubernetesPlacement, type PodSpec, type TargetHandle } from "../../domain/target.ts";
import { HOPELESS_REASONS, sessionPatchForContainer } from "../../domain/target-status.ts";
import { isRestarting } from "../../domain/session-restart.ts";
import type { CredentialFile, TargetPort } from "../../domain/target-port.ts";
import type { AppDeps } from "../deps.ts";
import { credentialBundleHash } from "../credentials/session-home.ts";
import { pushIntoSession } from "../credentials/push.ts";
import { tellContainerSession, type EventDeps } from "./session-events.ts";
import { findSession, listSessions, liveSocket, type SessionListing } from "../sessions/find.ts";
import { requestHost } from "../sessions/host-request.ts";
import { refreshContainerAgents } from "./container-agents.ts";

/** How long a new container may take to run, then to have its session host answer (an image's first start can be slow). */
export const READY_TIMEOUT_MS = 30_000;

/** `cwd` is a directory inside the container (default its workspace). */
export type ContainerRunOptions = SessionRunBasics & {
  readonly image?: string | undefined;
  /** Kubernetes quantities, already checked ("500m", "512Mi"). */
  readonly cpu?: string | undefined;
  readonly memory?: string | undefined;
  /** --target kubernetes: a Pod there instead of a container here. */
  readonly kubernetes?: KubernetesPlacement | undefined;
  /** The credential bundle (in the session's HOME before its agent starts) and the --with tools a refresh collects again. */
  readonly credentials?: { readonly files: readonly CredentialFile[]; readonly tools: readonly string[] } | undefined;
  /** Path parity (a workspace's session): HOME and the workspace at these absolute paths inside; `cwd` is then relative to the workspace. */
  readonly layout?: { readonly home: string; readonly workspace: string } | undefined;
  /** Runs once the container can be exec'd into and before its agent starts (which waits for it): a workspace's files, a conversation. */
  readonly prepare?: ((target: TargetPort, handle: TargetHandle, session: { readonly cwd: string; readonly home: string }) => Promise<void>) | undefined;
};

/** What would run in the container, without an engine: `remote run --target docker --dry-run`. */
export function planContainerRun(deps: Pick<AppDeps, "config">, options: ContainerRunOptions) {
  const spec = interactiveCommand(options.profile, { resume: options.resume, model: options.model, effort: options.effort, extraArgs: options.args ?? [] }, { SHELL: "/bin/bash" });
  return { target: "docker" as const, image: options.image ?? deps.config.containers.image, profile: spec.profile, command: spec.command, args: spec.args, cwd: resolve(CONTAINER_WORKSPACE, options.cwd ?? ".") };
}

/**
 * `remote run --target docker`: a container whose entrypoint is our binary hosting this one
 * session (`remote __pod`). The record here keeps the container's handle; attach, send,
 * logs and stop reach its session host through the target's byte stream (liveSocket).
 * It returns once the session host answers; the caller attaches (or not) as for a local one.
 */
export async function runInContainer(
  deps: Pick<AppDeps, "target" | "random" | "terminal" | "clock" | "process" | "store" | "config" | "env" | "connector" | "cwd" | "npm" | "pluginHome" | "log"> & EventDeps,
  options: ContainerRunOptions,
): Promise<SessionRecord> {
  const { image, cwd: containerCwd, ...spec } = planContainerRun(deps, options);
  const kube = options.kubernetes;
  const credentials = options.credentials !== undefined && options.credentials.files.length > 0 ? options.credentials : undefined;
  const layout = options.layout;
  const home = layout?.home ?? (kube ? deps.env.HOME : CONTAINER_HOME);
  if (!home) throw new RemoteError("HOME_UNSET", "Cannot mount HOME in a Pod: HOME is not set", "Set HOME to your home directory.", "usage");
  // A Pod mounts the person's HOME and working directory at their own paths (path parity); so does a workspace's container.
  const cwd = layout ? resolve(layout.workspace, options.cwd ?? ".") : kube ? resolve(deps.cwd, options.cwd ?? ".") : containerCwd;
  // Before anything is recorded: no engine (or no kubectl), no session.
  const target = deps.target(kube ?? "docker");
  const id = deps.random.id(8);
  const record = startingRecord({
    id,
    name: options.name,
    profile: spec.profile,
    command: spec.command,
    args: spec.args,
    cwd,
    socketPath: home === CONTAINER_HOME ? containerSocketFor(id) : podSocketFor(home, id),
    createdAt: deps.clock.now().toISOString(),
    // Until its container answers, this process answers for the record (lost if we die first).
    launcher: deps.process.identify(process.pid),
    // The bundle's hash (never its content) and tools: `remote refresh` compares and collects again.
    // Where its HOME is inside (plugins, a read off its volumes): recorded, not worked out again by each reader.
    meta: { ...options.meta, [CONTAINER_HOME_META]: home, ...(credentials && { credentialsHash: credentialBundleHash(credentials.files), credentialTools: credentials.tools }) },
  });
  const { name } = record;
  const size = deps.terminal.size();
  const store = deps.store();
  store.insert(record);
  // Plugins (issue 11): the entrypoint waits for them (this sha256 in its HOME) before starting the agent.
  const plugins = existsSync(join(deps.config.paths.home, DESIRED_MANIFEST)) ? (await import("../plugins/start.ts")).desiredAtStart(deps) : undefined;
  // A container's `__pod` waits for the credential bundle pushed in after its start (a Pod's renderer says where its Secret is).
  const pod: PodSpec = { sessionId: id, name, profile: spec.profile, command: spec.command, args: spec.args, cwd, cols: size.cols, rows: size.rows, plugins, target: kube ? "kubernetes" : "docker", image, ...(credentials && !kube && { credentials: "exec" as const }), ...(credentials && { credentialTools: credentials.tools }), ...(options.prepare && { prepared: "exec" as const }) };
  let handle: TargetHandle;
  try {
    handle = await target.create({ sessionId: id, name, profile: spec.profile, image, podSpec: JSON.stringify(pod), env: containerEnv(deps.env, home), home: layout?.home, workspace: layout?.workspace, cpu: options.cpu, memory: options.memory, credentials: kube ? credentials?.files : undefined });
  } catch (error) {
    // Nothing was created (no image, engine refused): nothing is left behind, the record included.
    store.remove(id);
    throw error;
  }
  store.update(id, { target: handle });
  if (credentials && !kube) {
    try {
      await pushIntoSession(target, handle, credentials.files);
    } catch (error) {
      // Nothing half-made: no container without its credentials, and no record of one (unless it said why it ended).
      throw await abandonStart(deps, target, handle, record, error, { forgetUnexplained: true });
    }
  }
  if (plugins !== undefined) await (await import("../plugins/start.ts")).convergeAtStart(deps, { kind: "target", handle, home }, name);
  try {
    // A Pod is scheduled and its image pulled before anything can exec into it: wait for that, failing at once on
    // what will not pass. (`docker run --detach` returns with the container started: nothing to wait for.)
    if (handle.kind === "kubernetes") await untilRunning(target, handle, image, () => deps.clock.now().getTime(), READY_TIMEOUT_MS);
    await options.prepare?.(target, handle, { cwd, home });
    const info = await requestHost<{ pid?: number }>(deps, { target: handle, socketPath: record.socketPath as string }, { op: "info" }, READY_TIMEOUT_MS);
    store.mutate(id, (current) => (isFinal(current.state) ? undefined : { state: "running", pid: info.pid }));
  } catch (error) {
    throw await abandonStart(deps, target, handle, record, error);
  }
  const started = store.get(id) ?? record;
  await tellContainerSession(deps, started);
  return started;
}

/**
 * A session that never got ready: its container or Pod (ended, or not) says why in its last output when its
 * entrypoint refused (the agent missing from the image), read before it is removed; nothing is left behind
 * (container, Pod, Secret, volume); the record ends failed with that reason. Returns the error to throw.
 */
async function abandonStart(
  deps: Pick<AppDeps, "store" | "clock">,
  target: TargetPort,
  handle: TargetHandle,
  record: SessionRecord,
  error: unknown,
  options: { readonly forgetUnexplained?: boolean } = {},
): Promise<Error> {
  const status = await target.status(handle).catch(() => undefined);
  const said = complaintIn(await target.lastOutput(handle, LAST_OUTPUT_LINES).catch(() => ""));
  // A line of a host still running is not its last word, unless it is the entrypoint's own refusal (it has a code).
  const complaint = said && (status?.state !== "running" || said.code !== undefined) ? said : undefined;
  const failure = complaint && startFailureFrom(complaint, { kind: handle.kind, container: handle.container, image: handle.image, profile: record.profile, command: record.command });
  const why = failure?.message ?? (status?.state === "exited" ? `its container exited with code ${status.exitCode} before the session was ready` : errorMessage(error));
  await target.remove(handle).catch(() => {});
  await target.removeVolumes(handle).catch(() => {});
  const store = deps.store();
  // An image the cluster cannot pull never made a session (as docker's refusal before create): no record either.
  if ((isRemoteError(error) && error.code === "IMAGE_NOT_FOUND") || (options.forgetUnexplained && !failure)) store.remove(record.id);
  else store.mutate(record.id, (current) => (isFinal(current.state) ? undefined : { state: "failed", reason: why, endedAt: deps.clock.now().toISOString(), clients: 0 }));
  return failure ?? (isRemoteError(error) ? error : new Error(why));
}

/** How long a stopped session's container may take to end by itself before it is removed anyway. */
const STOP_GRACE_MS = 10_000;
/** How often a container's status is read while waiting on it (a Pod schedules, pulls, backs off, or ends). */
const POLL_MS = 250;

/** Reads the status every POLL_MS until `settled` accepts it or `timeoutMs` passes; the last status read, and whether it settled. */
async function watchStatus(target: TargetPort, handle: TargetHandle, now: () => number, timeoutMs: number, settled: (status: ContainerStatus) => boolean): Promise<{ status: ContainerStatus; settled: boolean }> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const status = await target.status(handle);
    if (settled(status)) return { status, settled: true };
    if (now() > deadline) return { status, settled: false };
    await Bun.sleep(POLL_MS);
  }
}

const hopeless = (status: ContainerStatus) => status.state === "waiting" && HOPELESS_REASONS.has(status.reason);

/**
 * Resolves once the engine reports the container running (or ended: the host's answer then
 * says how); rejects at once on a reason that will not pass by waiting (ImagePullBackOff,
 * CrashLoopBackOff), and after `timeoutMs` on one still pending, naming where it is stuck.
 */
async function untilRunning(target: TargetPort, handle: TargetHandle, image: string, now: () => number, timeoutMs: number): Promise<void> {
  const { status, settled } = await watchStatus(target, handle, now, timeoutMs, (s) => s.state === "running" || s.state === "exited" || s.state === "missing" || hopeless(s));
  if (status.state === "waiting" && hopeless(status)) throw startRefusal(handle, image, status);
  if (settled) return;
  const where = status.state === "waiting" ? `${status.reason}${status.message ? `: ${status.message}` : ""}` : "still pending";
  throw new RemoteError("CONTAINER_START_FAILED", `Cannot start ${handle.kind === "kubernetes" ? "pod" : "container"} '${handle.container}' within ${timeoutMs} ms: ${where}`, "The cluster may lack room or a volume for it: `kubectl describe pod` on it says why. Nothing was left behind.", "unavailable");
}

function startRefusal(handle: TargetHandle, image: string, status: ContainerStatus & { state: "waiting" }): RemoteError {
  const where = handle.kind === "kubernetes" ? `pod '${handle.container}'` : `container '${handle.container}'`;
  const detail = status.message ? `: ${status.message}` : "";
  if (/Image/.test(status.reason)) {
    return new RemoteError(
      "IMAGE_NOT_FOUND",
      `Cannot start ${where} from image '${image}': ${status.reason}${detail}`,
      "Check the image name, and that the cluster can pull it (a registry it reaches, an imagePullSecret): `npm run image` builds the session image to push there. Nothing was left behind.",
      "not-found",
    );
  }
  return new RemoteError("CONTAINER_START_FAILED", `Cannot start ${where}: ${status.reason}${detail}`, "Its logs may say why: `kubectl logs` / `docker logs` on it before retrying. Nothing was left behind.", "unavailable");
}

/**
 * Folds each container's status into its session record (the engine is the truth for a
 * container session: one killed from outside ends `exited` with its code, a removed one
 * `failed`). Readers call it before listing or acting; `only` narrows it to one session.
 */
export async function reconcileContainers(deps: Pick<AppDeps, "store" | "process" | "clock" | "target"> & EventDeps, only?: string): Promise<Map<string, ContainerStatus>> {
  const statuses = new Map<string, ContainerStatus>();
  const records = deps
    .store()
    .list()
    // A Pod that a hard refresh is creating again is neither gone nor ended meanwhile.
    .filter((r) => r.target !== undefined && r.state === "running" && (only === undefined || r.id === only) && !isRestarting(r.meta, deps.clock.now()));
  await Promise.all(
    records.map(async (r) => {
      const handle = r.target as TargetHandle;
      let patch: SessionPatch | undefined;
      try {
        const status = await deps.target(handle).status(handle);
        statuses.set(r.id, status);
        patch = sessionPatchForContainer(status, deps.clock.now().toISOString());
      } catch {
        return; // No engine here now: the record stays as it was, not "ended" on a guess.
      }
      if (!patch) return;
      let ours = false;
      const after = deps.store().mutate(r.id, (current) => (isFinal(current.state) ? undefined : ((ours = true), patch)));
      // It ended while nobody watched (killed from outside, OOMKilled): the reader that noticed tells the plugins.
      if (ours && after) await tellContainerSession(deps, after, { exitCode: after.exitCode ?? null, signal: after.exitSignal ?? null });
    }),
  );
  return statuses;
}

/** A listing with what its engine said just now (Pending, CrashLoopBackOff, ...), for a container session still running. */
export type FreshListing = SessionListing & { readonly targetStatus?: ContainerStatus | undefined };

/** Ends a container session's record with the exit its host reported (a client saw it before the engine did). */
export async function recordContainerExit(deps: Pick<AppDeps, "store" | "clock"> & EventDeps, id: string, exit: ExitInfo): Promise<void> {
  let ours = false;
  const after = deps.store().mutate(id, (current) => (current.state !== "running" || isRestarting(current.meta, deps.clock.now()) ? undefined : ((ours = true), { state: "exited", exitCode: exit.exitCode, exitSignal: exit.signal ?? undefined, endedAt: deps.clock.now().toISOString(), clients: 0 })));
  if (ours && after) await tellContainerSession(deps, after, { exitCode: exit.exitCode, signal: exit.signal ?? null });
}

/** A container session (sessions/fresh-session.ts loads this for one) after its container was asked how it is. */
export async function freshContainerSession(deps: Pick<AppDeps, "store" | "process" | "clock" | "target"> & Partial<Pick<AppDeps, "hookInbox">> & EventDeps, session: SessionListing): Promise<FreshListing> {
  const statuses = await reconcileContainers(deps, session.id);
  return withStatus(findSession(deps, session.id), statuses);
}

const withStatus = (s: SessionListing, statuses: ReadonlyMap<string, ContainerStatus>): FreshListing => {
  const status = statuses.get(s.id);
  return status && s.view === "running" ? { ...s, targetStatus: status } : s;
};

/** `listSessions` after every container session's status was folded in. */
export async function listFreshSessions(deps: Pick<AppDeps, "store" | "process" | "clock" | "target"> & Partial<Pick<AppDeps, "hookInbox">> & EventDeps): Promise<FreshListing[]> {
  const statuses = await reconcileContainers(deps);
  return listSessions(deps).map((s) => withStatus(s, statuses));
}

/** `listFreshSessions`, and each running container session's agent state asked of its host meanwhile (`ls`, GET /sessions). */
export async function listFreshSessionsWithAgents(
  deps: Pick<AppDeps, "store" | "process" | "clock" | "target" | "connector" | "random" | "eventLog" | "log"> & Partial<Pick<AppDeps, "hookInbox">> & EventDeps,
): Promise<FreshListing[]> {
  const [statuses] = await Promise.all([reconcileContainers(deps), refreshContainerAgents(deps)]);
  return listSessions(deps).map((s) => withStatus(s, statuses));
}

/**
 * Stops a container session: its host hangs up the agent as locally (the scrollback is
 * saved here first, so `remote logs` still works), then the container is removed. One
 * that had already ended is removed too, and its record says how it ended.
 */
export async function stopContainerSession(
  deps: Pick<AppDeps, "store" | "process" | "connector" | "random" | "clock" | "config" | "target"> & EventDeps,
  session: SessionListing,
  reason?: string,
): Promise<SessionListing & { alreadyEnded: boolean }> {
  const handle = session.target as TargetHandle;
  const target = deps.target(handle);
  const wasLive = session.view === "running";
  let exit: ExitInfo | undefined;
  if (wasLive) {
    const address = liveSocket(session);
    try {
      const { text } = await requestHost<{ text: string }>(deps, address, { op: "text" });
      const dir = sessionDirFor(deps.config.paths, session.id);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(`${dir}/scrollback.txt`, text, { mode: 0o600 });
      let gone!: () => void;
      const ended = new Promise<void>((resolve) => (gone = resolve));
      const watch = await deps.connector.connect(address, (frame) => {
        if (frame.type === FrameType.exit) {
          exit = frame.exit;
          gone();
        }
      });
      watch.send({ type: FrameType.hello, hello: { v: 1, clientId: `stop-${deps.random.id(8)}`, mode: "control" } });
      void watch.closed.then(gone);
      await requestHost(deps, address, { op: "stop", reason });
      await ended;
      watch.close();
    } catch {
      // Its host did not answer (the container is going or gone): removing it is stopping it.
    }
  }
  // Its host finishes after telling the clients (the scrollback, the plugins in there): the container
  // ends by itself then, and is removed only after, or after STOP_GRACE_MS (removing kills it).
  if (exit) await watchStatus(target, handle, () => deps.clock.now().getTime(), STOP_GRACE_MS, (s) => s.state === "exited" || s.state === "missing").catch(() => undefined);
  const status = await target.status(handle);
  await target.remove(handle);
  let ours = false;
  const after = deps.store().mutate(session.id, (current) => {
    if (isFinal(current.state)) return undefined;
    ours = true;
    const now = deps.clock.now().toISOString();
    if (current.state === "starting") return { state: "failed", reason: "stopped before it was ready", endedAt: now, clients: 0 };
    if (exit) return { state: "exited", exitCode: exit.exitCode, exitSignal: exit.signal ?? undefined, endedAt: now, clients: 0 };
    return sessionPatchForContainer(status, now) ?? { state: "exited", exitCode: null, reason: "stopped", endedAt: now, clients: 0 };
  });
  const record = after ?? session;
  if (ours && after) await tellContainerSession(deps, after, { exitCode: after.exitCode ?? null, signal: after.exitSignal ?? null });
  return { ...findSession(deps, record.id), alreadyEnded: !ours };
}
