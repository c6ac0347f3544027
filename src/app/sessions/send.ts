import type { AppDeps } from "../deps.ts";
import { liveSocket, type SessionListing } from "./find.ts";
import { findFreshSession } from "./fresh-session.ts";
import { requestHost } from "./host-request.ts";

type Deps = Pick<AppDeps, "store" | "process" | "connector" | "random" | "clock" | "config" | "target">;

/** Types `text` into a session (and Enter). Its own file: `remote send` loads this, not all of manage.ts. */
export async function sendToSession(deps: Deps, ref: string | SessionListing, text: string, enter: boolean): Promise<void> {
  const session = await findFreshSession(deps, ref);
  await requestHost(deps, liveSocket(session), { op: "send", data: enter ? `${text}\r` : text });
}
