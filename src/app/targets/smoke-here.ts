/**
 * `remote smoke <profile> [--target local|docker|kubernetes]` with no control plane: the
 * plain CLI's own path end to end. Start the session detached on the target, attach
 * read-only until its terminal sends its first bytes, check it is still running, then stop
 * it and forget it, volume included (a smoke check leaves nothing behind).
 */
import { RemoteError } from "../../domain/errors.ts";
import { FrameType } from "../../domain/host-protocol.ts";
import type { KubernetesPlacement } from "../../domain/target.ts";
import type { TargetName } from "../../domain/target-name.ts";
import type { AppDeps } from "../deps.ts";
import { liveSocket, type SessionListing } from "../sessions/find.ts";
import { stopSession } from "../sessions/manage.ts";
import { removeSession } from "../sessions/remove.ts";
import { runSession } from "../sessions/run.ts";
import { runInContainer } from "./container-sessions.ts";
import { findFreshSession } from "../sessions/fresh-session.ts";

export type SmokeHereOptions = {
  readonly target: TargetName;
  readonly timeoutMs: number;
  readonly image?: string | undefined;
  readonly kubernetes?: KubernetesPlacement | undefined;
};

export async function smokeHere(deps: AppDeps, profile: string, options: SmokeHereOptions): Promise<{ session: SessionListing; openedAfterMs: number }> {
  const started = deps.clock.now().getTime();
  const name = `smoke-${deps.random.id(6)}`;
  const session =
    options.target === "local"
      ? (await runSession(deps, { profile, name, detach: true })).session
      : await runInContainer(deps, { profile, name, image: options.image, kubernetes: options.target === "kubernetes" ? options.kubernetes : undefined });
  try {
    const where = options.target === "local" ? "this machine" : `target ${options.target}`;
    const first = await firstBytes(deps, await findFreshSession(deps, session.id), options.timeoutMs);
    if (first === "timeout") {
      throw new RemoteError("SMOKE_TIMEOUT", `Smoke test of ${profile} on ${where} failed: the terminal of session ${session.id} sent nothing within ${options.timeoutMs} ms`, `Look at \`remote logs ${session.id}\` before it is removed (rerun with a longer --timeout); the agent CLI may be stuck starting.`, "unavailable");
    }
    const openedAfterMs = deps.clock.now().getTime() - started;
    // A CLI that is missing or crashes at once may still paint a frame: it must be running now.
    const now = await findFreshSession(deps, session.id);
    if (now.view !== "running" || first === "exited") {
      throw new RemoteError("SMOKE_EXITED", `Smoke test of ${profile} on ${where} failed: session ${session.id} is ${now.view}${now.exitCode !== undefined && now.exitCode !== null ? ` (exit code ${now.exitCode})` : ""} right after it started`, "Is the agent CLI installed in the session image (or on this machine for local)?", "unavailable");
    }
    return { session: now, openedAfterMs };
  } finally {
    await stopSession(deps, session.id, "smoke test").catch(() => undefined);
    await removeSession(deps, session.id, { volumes: true }).catch(() => undefined);
  }
}

/** Attaches read-only until the first non-empty screen or output arrives, the session exits, or time runs out. */
async function firstBytes(deps: Pick<AppDeps, "connector" | "random">, session: SessionListing, timeoutMs: number): Promise<"open" | "exited" | "timeout"> {
  let settle!: (how: "open" | "exited" | "timeout") => void;
  const outcome = new Promise<"open" | "exited" | "timeout">((resolve) => (settle = resolve));
  const timer = setTimeout(() => settle("timeout"), timeoutMs);
  const conn = await deps.connector.connect(liveSocket(session), (frame) => {
    if ((frame.type === FrameType.output || frame.type === FrameType.snapshot) && frame.data.length > 0) settle("open");
    else if (frame.type === FrameType.exit) settle("exited");
  });
  void conn.closed.then(() => settle("exited"));
  conn.send({ type: FrameType.hello, hello: { v: 1, clientId: `smoke-${deps.random.id(8)}`, mode: "attach", readOnly: true } });
  try {
    return await outcome;
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}
