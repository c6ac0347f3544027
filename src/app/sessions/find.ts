import { RemoteError } from "../../domain/errors.ts";
import { isLive, resolveSessionRef, viewReason, viewState, type ProcessIdentity, type SessionRecord, type SessionView } from "../../domain/session.ts";
import { describeState } from "../../domain/session-lifecycle.ts";
import type { HostAddress } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";
import { ingestHookEvents } from "./enroll.ts";

export type SessionListing = SessionRecord & { readonly view: SessionView };

/** Readers fold in waiting Claude Code hook events first, so enrolled sessions show up everywhere. */
export function listSessions(deps: Pick<AppDeps, "store" | "process"> & Partial<Pick<AppDeps, "hookInbox">>): SessionListing[] {
  if (deps.hookInbox) ingestHookEvents({ store: deps.store, hookInbox: deps.hookInbox });
  const isAlive = oncePerProcess(deps.process.isAlive);
  return deps
    .store()
    .list()
    .map((r) => ({ ...r, view: viewState(r, isAlive) }));
}

/** One look at each process per listing: the one host server hosts every session (20 sessions were 20 reads of its /proc stat). */
function oncePerProcess(isAlive: (who: ProcessIdentity) => boolean): (who: ProcessIdentity) => boolean {
  const seen = new Map<string, boolean>();
  return (who) => {
    const key = `${who.pid} ${who.startTime}`;
    let alive = seen.get(key);
    if (alive === undefined) seen.set(key, (alive = isAlive(who)));
    return alive;
  };
}

export function findSession(deps: Pick<AppDeps, "store" | "process"> & Partial<Pick<AppDeps, "hookInbox">>, ref: string): SessionListing {
  const all = listSessions(deps);
  const found = resolveSessionRef(all, ref, (r) => isLive((r as SessionListing).view));
  return found as SessionListing;
}

/** A session already found (e.g. while routing the command) is used as is: one store read per command. */
export const sessionFor = (deps: Parameters<typeof findSession>[0], ref: string | SessionListing): SessionListing => (typeof ref === "string" ? findSession(deps, ref) : ref);

/** Where a running session's host listens (a Unix socket here, or one inside its container), or a clear error saying why there is none. */
export function liveSocket(session: SessionListing): HostAddress {
  if (!isLive(session.view) || session.socketPath === undefined) {
    const why =
      session.source === "hook"
        ? "it was enrolled by a Claude Code hook and has no session host"
        : session.view === "lost"
          ? `it is lost: ${viewReason(session, "lost")}`
          : `it has ended: ${describeState({ ...session, state: session.view, signal: session.exitSignal })}`;
    throw new RemoteError("SESSION_NOT_RUNNING", `Cannot reach session '${session.name}': ${why}`, "Start a new one with `remote run`, or see `remote logs` for what it printed.", "conflict");
  }
  return session.target ? { target: session.target, socketPath: session.socketPath } : session.socketPath;
}

/** For messages: a socket path, or the container a session host lives in. */
export const describeAddress = (address: HostAddress) => (typeof address === "string" ? address : `container ${address.target.container}`);
