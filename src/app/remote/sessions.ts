import type { TargetName } from "../../domain/target-name.ts";
/**
 * Session use cases against a control plane: pick local or remote for a command, list
 * both together, start a remote session, follow its output, and the smoke check.
 */
import { isRemoteError, RemoteError } from "../../domain/errors.ts";
import { remoteLocation } from "../../domain/remote-target.ts";
import type { AppDeps } from "../deps.ts";
import type { AttachOutcome } from "../sessions/attach-terminal.ts";
import type { RunOptions } from "../sessions/run.ts";
import { attachRemoteSession } from "./attach.ts";
import { createRemoteClient, type CreateSessionRequest, type RemoteSession } from "./client.ts";
import type { RemoteTarget } from "./config.ts";
import { openRemoteAttach, type OpenSocket } from "./ws-attach.ts";

export type LocatedSession = RemoteSession & { readonly location: string };

/** The sessions of a remote for `ls`, each marked with where it runs; an unreachable remote is a warning, not a failure. */
export async function listRemoteSessions(target: RemoteTarget): Promise<{ sessions: LocatedSession[]; warning?: string }> {
  const client = createRemoteClient({ ...target, timeoutMs: 5000 });
  const location = remoteLocation(client.url);
  try {
    return { sessions: (await client.list()).map((s) => ({ ...s, location })) };
  } catch (error) {
    const e = isRemoteError(error) ? error : new RemoteError("REMOTE_FAILED", String(error));
    return { sessions: [], warning: `remote ${location}: ${e.message}${e.hint ? ` (${e.hint})` : ""}` };
  }
}

/** `remote run`'s options, less what only a local start can do (hooks before launch, extra env, meta). */
export type RemoteRunOptions = Omit<RunOptions, "meta" | "prepareHome" | "env"> & {
  /** The credential bundle (HOME-relative path -> base64): the session then runs with a HOME of its own there. */
  readonly credentials?: Readonly<Record<string, string>> | undefined;
};

/** `remote run <profile> --remote URL`: the control plane starts it detached; we attach unless told not to. */
export async function runRemoteSession(
  deps: Pick<AppDeps, "terminal" | "random" | "stderr" | "env">,
  target: RemoteTarget,
  options: RemoteRunOptions,
): Promise<{ session: RemoteSession; attached?: AttachOutcome }> {
  const client = createRemoteClient(target);
  const size = deps.terminal.size();
  const request: CreateSessionRequest = {
    profile: options.profile,
    cols: size.cols,
    rows: size.rows,
    ...(options.name !== undefined && { displayName: options.name }),
    // The remote machine has its own filesystem: only an explicit --cwd is passed on.
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    ...(options.resume !== undefined && { resume: options.resume }),
    ...(options.model !== undefined && { model: options.model }),
    ...(options.effort !== undefined && { effort: options.effort }),
    ...(options.args !== undefined && options.args.length > 0 && { startupArgs: [...options.args] }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  };
  const session = await client.create(request);
  if (options.detach) return { session };
  return { session, attached: await attachRemoteSession(deps, target, session.id) };
}

/** `remote logs --follow` on a remote session: a read-only attach from `fromOffset` until the session exits. */
export async function followRemoteOutput(
  deps: Pick<AppDeps, "random">,
  target: RemoteTarget,
  ref: string,
  fromOffset: number,
  onData: (data: Uint8Array) => void,
  openSocket?: OpenSocket,
): Promise<AttachOutcome> {
  const attach = openRemoteAttach({
    client: createRemoteClient(target),
    token: target.token,
    ref,
    clientId: `wlog-${deps.random.id(10)}`,
    size: { cols: 80, rows: 24 },
    readOnly: true,
    fromOffset,
    everyByte: true,
    random: deps.random.random,
    openSocket,
    // A snapshot means we fell out of the window: the text already printed covers the screen.
    onOutput: (data, kind) => {
      if (kind === "output") onData(data);
    },
  });
  return attach.done;
}

export type SmokeResult = { readonly session: RemoteSession; readonly openedAfterMs: number; readonly location: string };

/**
 * `remote smoke <profile> --remote URL`: start a session, wait until its terminal sends
 * its first frame over the WebSocket, stop it. Any failure is a RemoteError saying which step failed.
 */
export async function smokeRemote(
  deps: Pick<AppDeps, "random" | "clock">,
  target: RemoteTarget,
  profile: string,
  options: { readonly timeoutMs?: number; readonly openSocket?: OpenSocket; readonly target?: TargetName | undefined } = {},
): Promise<SmokeResult> {
  const client = createRemoteClient(target);
  const location = remoteLocation(client.url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = deps.clock.now().getTime();
  const session = await client.create({ profile, cols: 80, rows: 24, ...(options.target === undefined ? {} : { target: options.target }) });
  try {
    let opened!: () => void;
    const firstFrame = new Promise<void>((resolve) => (opened = resolve));
    const attach = openRemoteAttach({
      client,
      token: target.token,
      ref: session.id,
      clientId: `smoke-${deps.random.id(10)}`,
      size: { cols: 80, rows: 24 },
      readOnly: true,
      random: deps.random.random,
      openSocket: options.openSocket,
      onOutput: () => opened(),
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const first = await Promise.race([firstFrame.then(() => "open" as const), attach.done, timedOut]).finally(() => clearTimeout(timer));
    attach.detach();
    await attach.done.catch(() => undefined);
    if (first === "timeout") {
      throw new RemoteError("SMOKE_TIMEOUT", `Smoke test of ${profile} on ${location} failed: the terminal of session ${session.id} sent nothing within ${timeoutMs} ms`, "Look at `remote logs <id> --remote URL`; the agent CLI may be stuck starting.", "unavailable");
    }
    if (first !== "open") {
      throw new RemoteError("SMOKE_EXITED", `Smoke test of ${profile} on ${location} failed: session ${session.id} ended (${describe(first)}) before its terminal opened`, "Is the agent CLI installed on the control plane's machine? See `remote logs <id> --remote URL`.", "unavailable");
    }
    const openedAfterMs = deps.clock.now().getTime() - started;
    // A CLI that is missing or crashes at once may still paint a frame: it must be running now.
    const now = await client.get(session.id);
    if (now.state !== "running" && now.state !== "starting") {
      throw new RemoteError("SMOKE_EXITED", `Smoke test of ${profile} on ${location} failed: session ${session.id} is ${now.state}${now.exitCode !== undefined && now.exitCode !== null ? ` (exit code ${now.exitCode})` : ""} right after it started`, "Is the agent CLI installed on the control plane's machine? See `remote logs <id> --remote URL`.", "unavailable");
    }
    return { session: now, openedAfterMs, location };
  } finally {
    await client.stop(session.id, "smoke test").catch(() => undefined);
  }
}

const describe = (outcome: AttachOutcome) => (outcome.kind === "exited" ? (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`) : outcome.kind);
