import { rmSync } from "node:fs";
import { sessionDirFor } from "../../domain/config.ts";
import { RemoteError } from "../../domain/errors.ts";
import { isLive } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { findFreshSession } from "./fresh-session.ts";
import type { SessionListing } from "./find.ts";

/**
 * `remote rm <id> [--volumes]`: forgets one ended session (its record, its saved scrollback,
 * an ended container still kept for its exit code). What outlives a stop on purpose, the
 * workspace + HOME volume of a container or Pod (`stop` keeps it), goes only with `volumes`.
 * A live session is refused: stopping is `remote stop`'s job.
 */
export async function removeSession(deps: Pick<AppDeps, "store" | "process" | "clock" | "target" | "config">, ref: string, options: { readonly volumes?: boolean } = {}): Promise<SessionListing & { readonly volumesRemoved: boolean }> {
  const session = await findFreshSession(deps, ref);
  if (isLive(session.view)) {
    throw new RemoteError("SESSION_RUNNING", `Cannot remove session '${session.name}': it is ${session.view}`, `Stop it first: \`remote stop ${session.name}\`, then \`remote rm ${session.id}${options.volumes ? " --volumes" : ""}\`.`, "conflict");
  }
  let volumesRemoved = false;
  if (session.target !== undefined) {
    const target = deps.target(session.target);
    await target.remove(session.target);
    if (options.volumes) {
      await target.removeVolumes(session.target);
      volumesRemoved = true;
    }
  }
  deps.store().remove(session.id);
  rmSync(sessionDirFor(deps.config.paths, session.id), { recursive: true, force: true });
  return { ...session, volumesRemoved };
}
