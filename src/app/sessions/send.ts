import type { AppDeps } from "../deps.ts";
import { liveSocket, type SessionListing } from "./find.ts";
import { findFreshSession } from "./fresh-session.ts";
import { requestHost } from "./host-request.ts";

type Deps = Pick<AppDeps, "store" | "process" | "connector" | "random" | "clock" | "config" | "target">;

/**
 * Types `text` into a session (and Enter). Its own file: `remote send` loads this, not all of manage.ts.
 * `blocking`: the CLI, which only waits for the answer, asks without the event loop (see requestHost).
 */
export async function sendToSession(deps: Deps, ref: string | SessionListing, text: string, enter: boolean, blocking = false): Promise<void> {
  const session = await findFreshSession(deps, ref);
  await requestHost(deps, liveSocket(session), { op: "send", data: enter ? `${text}\r` : text }, undefined, blocking);
}
