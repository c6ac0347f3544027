import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DESIRED_SHA256 } from "../../domain/plugins/home-layout.ts";
import type { SessionRecord } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";

type PluginsMeta = { readonly sha256?: string; readonly drift?: boolean };

/**
 * Whether `remote ls` marks a session as drifted: its last check found drift, or its HOME
 * was last synced to a manifest that is no longer the desired one. Only sessions a sync or
 * check has reached carry the mark (`meta.plugins`); the desired sha256 is read once.
 */
export function pluginDriftMarker(deps: Pick<AppDeps, "config">): (session: SessionRecord) => boolean {
  let desired: string | undefined | null = null;
  const desiredSha = () => {
    if (desired !== null) return desired;
    const path = join(deps.config.paths.home, DESIRED_SHA256);
    return (desired = existsSync(path) ? readFileSync(path, "utf8").trim() : undefined);
  };
  return (session) => {
    const mark = session.meta.plugins as PluginsMeta | undefined;
    if (mark === undefined || session.state !== "running") return false;
    return mark.drift === true || (mark.sha256 !== undefined && mark.sha256 !== desiredSha());
  };
}
