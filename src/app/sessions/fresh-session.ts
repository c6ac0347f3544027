import type { FreshListing, freshContainerSession } from "../targets/container-sessions.ts";
import { sessionFor, type SessionListing } from "./find.ts";

/**
 * `findSession`, and a container session's container asked how it is. The container code is
 * loaded only for a container session: attach and send of a local one start without it.
 */
export async function findFreshSession(deps: Parameters<typeof freshContainerSession>[0], ref: string | SessionListing): Promise<FreshListing> {
  const session = sessionFor(deps, ref);
  if (session.target === undefined) return session;
  return (await import("../targets/container-sessions.ts")).freshContainerSession(deps, session);
}
