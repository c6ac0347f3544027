/**
 * Which HOMEs a sync reaches: the person's own (where local sessions without a HOME of
 * their own, and enrolled ones, run), each local session's own HOME, and each running
 * container or Pod session's HOME (through its target's exec). Sessions sharing a HOME
 * are synced once.
 */
import type { PluginPlace } from "../../domain/plugins/home-port.ts";
import { containerHomeOf } from "../../domain/target.ts";
import type { AppDeps } from "../deps.ts";
import { listSessions, type SessionListing } from "../sessions/find.ts";

export type SyncPlace = {
  /** The SESSION column: a session's name, or "~" for the person's HOME. */
  readonly session: string;
  /** The sessions living in it (their records get the drift mark `ls` shows). */
  readonly sessionIds: readonly string[];
  readonly place: PluginPlace;
};

export const PERSON_HOME = "~";

export function placeOf(deps: Pick<AppDeps, "env">, session: SessionListing): PluginPlace | undefined {
  if (session.target !== undefined) return { kind: "target", handle: session.target, home: containerHomeOf(session, deps.env.HOME ?? "/") };
  const own = session.meta.home;
  if (typeof own === "string") return { kind: "local", home: own };
  return deps.env.HOME === undefined ? undefined : { kind: "local", home: deps.env.HOME };
}

/** The places of every running session, the person's HOME first (always, when HOME is set). `only` narrows to one session. */
export async function syncPlaces(deps: Pick<AppDeps, "env" | "store" | "process" | "clock" | "target" | "hookInbox">, only?: string): Promise<SyncPlace[]> {
  const hasContainers = deps.store().list().some((r) => r.target !== undefined && r.state === "running");
  const sessions = hasContainers ? await (await import("../targets/container-sessions.ts")).listFreshSessions(deps) : listSessions(deps);
  const places = new Map<string, { session: string; sessionIds: string[]; place: PluginPlace }>();
  const person = deps.env.HOME;
  if (person !== undefined && only === undefined) places.set(`local:${person}`, { session: PERSON_HOME, sessionIds: [], place: { kind: "local", home: person } });
  for (const s of sessions) {
    if (s.view !== "running" || (only !== undefined && s.id !== only && s.name !== only)) continue;
    const place = placeOf(deps, s);
    if (!place) continue;
    const key = place.kind === "local" ? `local:${place.home}` : `target:${place.handle.container}`;
    const known = places.get(key);
    if (known) known.sessionIds.push(s.id);
    else places.set(key, { session: place.kind === "local" && place.home === person ? PERSON_HOME : s.name, sessionIds: [s.id], place });
  }
  return [...places.values()];
}
