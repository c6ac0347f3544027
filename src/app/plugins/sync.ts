/**
 * `remote plugin sync [--check]`: every running session's HOME against the desired manifest.
 * Sync converges each (independently: one unreachable session does not stop the others);
 * --check only probes and reports a row per item. Each session's record keeps the outcome
 * (`meta.plugins`: the sha256 applied and whether it drifted), which `remote ls` marks.
 */
import { errorMessage } from "../../domain/errors.ts";
import { diffHome, isDrift, unreachableRow, type DriftRow } from "../../domain/plugins/drift.ts";
import type { AppDeps } from "../deps.ts";
import { readDesired, type Desired } from "./desired.ts";
import { createPluginEvents, type PluginEvents } from "./events.ts";
import { syncPlaces, type SyncPlace } from "./places.ts";
import { convergeHome, probeHome } from "./reconcile.ts";

export type SyncDeps = Pick<AppDeps, "config" | "env" | "store" | "process" | "clock" | "target" | "hookInbox" | "npm" | "pluginHome" | "log" | "importModule">;

export type SessionSync = { readonly session: string; readonly changes: readonly string[]; readonly error?: string | undefined };
export type SyncReport = { readonly sessions: readonly SessionSync[] };

/** What the record of each session in a place remembers of its last sync or check. */
function remember(deps: Pick<AppDeps, "store">, place: SyncPlace, mark: { sha256?: string | undefined; drift: boolean }) {
  for (const id of place.sessionIds) {
    deps.store().mutate(id, (record) => ({ meta: { ...record.meta, plugins: { ...(record.meta.plugins as object | undefined), ...mark } } }));
  }
}

/** Converges each running session's HOME (and the person's). `only`: one session (id or name). */
export async function pluginSync(deps: SyncDeps, options: { readonly only?: string; readonly announce?: (line: string) => void; readonly events?: PluginEvents } = {}): Promise<SyncReport> {
  const desired = readDesired(deps);
  const events = options.events ?? createPluginEvents(deps);
  const places = await syncPlaces(deps, options.only);
  const sessions = await Promise.all(places.map((place) => syncOne(deps, place, desired, options.announce ?? (() => {}), events)));
  return { sessions };
}

async function syncOne(deps: SyncDeps, place: SyncPlace, desired: Desired, announce: (line: string) => void, events: PluginEvents): Promise<SessionSync> {
  try {
    const { changes } = await convergeHome(deps, deps.pluginHome(place.place), place.session, desired, announce);
    remember(deps, place, { sha256: desired.sha256, drift: false });
    if (changes.length > 0) await events.emit("plugin:sync", { session: place.session, changes });
    return { session: place.session, changes };
  } catch (error) {
    remember(deps, place, { drift: true });
    return { session: place.session, changes: [], error: errorMessage(error) };
  }
}

/** The drift report: converges nothing. */
export async function pluginSyncCheck(deps: SyncDeps, options: { readonly only?: string; readonly events?: PluginEvents } = {}): Promise<DriftRow[]> {
  const desired = readDesired(deps);
  const places = await syncPlaces(deps, options.only);
  const rows = (
    await Promise.all(
      places.map(async (place) => {
        let found: DriftRow[];
        try {
          found = diffHome(place.session, desired.manifest, await probeHome(deps.pluginHome(place.place), desired.manifest));
        } catch (error) {
          found = [unreachableRow(place.session, errorMessage(error))];
        }
        remember(deps, place, { drift: found.some(isDrift) });
        return found;
      }),
    )
  ).flat();
  const drift = rows.filter(isDrift);
  if (drift.length > 0) await (options.events ?? createPluginEvents(deps)).emit("plugin:drift", { rows: drift });
  return rows;
}

/**
 * Converges one session's HOME (the seed API's name): what a session start does, and what a
 * script may call after changing a session by hand. Never throws: the outcome says why not.
 */
export async function reconcileSessionPlugins(deps: SyncDeps, sessionId: string, announce?: (line: string) => void): Promise<{ readonly reconciled: boolean; readonly changes: readonly string[]; readonly error?: string }> {
  try {
    const report = await pluginSync(deps, { only: sessionId, ...(announce ? { announce } : {}) });
    const failed = report.sessions.find((s) => s.error !== undefined);
    return { reconciled: failed === undefined && report.sessions.length > 0, changes: report.sessions.flatMap((s) => s.changes), ...(failed?.error ? { error: failed.error } : {}) };
  } catch (error) {
    return { reconciled: false, changes: [], error: errorMessage(error) };
  }
}
