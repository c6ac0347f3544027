/**
 * `remote refresh` (SPEC §8): fresh credential files from the person's HOME into live
 * sessions that have a HOME of their own, here (written into that HOME), in a container or
 * Pod (pushed through the target's exec, refresh-container.ts) or on a control plane (its
 * refresh route). A session whose bundle hash is unchanged is skipped. Local and docker
 * sessions only get files; a kubernetes one is also started again on its volume unless
 * `--soft`.
 */
import { parseCredentialTools, type CredentialTool } from "../../domain/credentials/bundle-spec.ts";
import { errorMessage, isRemoteError, RemoteError } from "../../domain/errors.ts";
import { coerceCliProfileName, type CliProfile } from "../../domain/profiles.ts";
import type { AppDeps } from "../deps.ts";
import type { RemoteTarget } from "../remote/config.ts";
import type { SessionListing } from "../sessions/find.ts";
import { listFreshSessions } from "../targets/container-sessions.ts";
import { findFreshSession } from "../sessions/fresh-session.ts";
import { collectBundle, type CollectedBundle } from "./collect.ts";
import { preflight } from "./preflight.ts";
import { base64Credentials } from "./run-bundle.ts";
import { noSessionHome, refreshSessionHome } from "./session-home.ts";
import { hasContainerCredentials, refreshContainerSession, startedWithoutCredentials } from "./refresh-container.ts";

export type RefreshRow = {
  readonly id: string;
  readonly name: string;
  readonly profile: string;
  readonly outcome: "updated" | "unchanged" | "failed";
  readonly files?: number;
  readonly hash?: string;
  /** A hard refresh started the session again (a Pod recreated on its volume). */
  readonly restarted?: boolean;
  readonly detail?: string;
};
export type RefreshOptions = { readonly ref?: string | undefined; readonly all?: boolean | undefined; readonly preflight?: boolean | undefined; readonly soft?: boolean | undefined };

type Deps = Pick<AppDeps, "env" | "homeFiles" | "process" | "statusProbe" | "log">;

/** One bundle per profile and tools within a pass, and one preflight: many sessions, one read of each file. */
function bundleCache(deps: Deps, options: RefreshOptions) {
  const cache = new Map<string, Promise<CollectedBundle>>();
  return (profile: CliProfile, tools: readonly CredentialTool[]) => {
    const key = `${profile}+${tools.join(",")}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = (async () => {
        const collected = collectBundle(deps, profile, tools);
        if (options.preflight !== false) await preflight(deps, collected.reports[0]!.spec);
        return collected;
      })();
      cache.set(key, entry);
    }
    return entry;
  };
}

const profileOf = (name: string): CliProfile => {
  const profile = coerceCliProfileName(name);
  if (profile === undefined) throw new RemoteError("UNKNOWN_PROFILE", `Cannot refresh a session of profile '${name}': not a profile we know`, "Update remote on this machine.", "conflict");
  return profile;
};

const requireTarget = (options: RefreshOptions) => {
  if ((options.ref === undefined) === (options.all !== true)) {
    throw new RemoteError("INVALID_ARGS", options.all ? "Cannot refresh one session and --all at once" : "Cannot refresh: no session named", "Name a session (`remote refresh <id>`) or pass --all.", "usage");
  }
};

const storedTools = (s: SessionListing): CredentialTool[] => (Array.isArray(s.meta.credentialTools) ? parseCredentialTools(s.meta.credentialTools.filter((t): t is string => typeof t === "string")) : []);
const isLive = (s: SessionListing) => s.view === "running" || s.view === "starting";

/** A session this machine can refresh: one with a HOME of its own here, or a container/Pod started with credentials. */
const refreshable = (s: SessionListing) => typeof s.meta.home === "string" || hasContainerCredentials(s);

/** One pass over this machine's sessions (container ones asked how they are first). */
export async function refreshLocal(deps: Deps & Pick<AppDeps, "store" | "target" | "connector" | "random" | "clock">, options: RefreshOptions): Promise<RefreshRow[]> {
  requireTarget(options);
  let sessions: SessionListing[];
  if (options.ref !== undefined) {
    const session = await findFreshSession(deps, options.ref);
    if (!refreshable(session)) throw session.target === undefined ? noSessionHome(session) : startedWithoutCredentials(session);
    if (!isLive(session)) throw new RemoteError("SESSION_ENDED", `Cannot refresh the credentials of session '${session.name}': it is ${session.view}`, "Only live sessions are refreshed; start a new one with --with-auth.", "conflict");
    sessions = [session];
  } else sessions = (await listFreshSessions(deps)).filter((s) => refreshable(s) && isLive(s));
  const bundleFor = bundleCache(deps, options);
  const rows: RefreshRow[] = [];
  for (const session of sessions) {
    const base = { id: session.id, name: session.name, profile: session.profile };
    try {
      const { bundle } = await bundleFor(profileOf(session.profile), storedTools(session));
      const outcome = session.target === undefined ? { ...refreshSessionHome(deps, session, bundle.files), restarted: false } : await refreshContainerSession(deps, session, bundle.files, options);
      rows.push({ ...base, outcome: outcome.skipped ? "unchanged" : "updated", files: outcome.updated, hash: outcome.hash, ...(outcome.restarted && { restarted: true }) });
    } catch (error) {
      // One session's failure (a missing file for its profile) must not stop the others; a single named one is thrown.
      if (options.ref !== undefined) throw error;
      rows.push({ ...base, outcome: "failed", detail: errorMessage(error) });
    }
  }
  return rows;
}

/** One pass over a control plane's sessions (its refresh route compares the hash and writes). */
export async function refreshRemote(deps: Deps, target: RemoteTarget, options: RefreshOptions): Promise<RefreshRow[]> {
  requireTarget(options);
  const { createRemoteClient } = await import("../remote/client.ts");
  const client = createRemoteClient(target);
  const sessions = options.ref !== undefined ? [await client.get(options.ref)] : (await client.list()).filter((s) => s.state === "running" || s.state === "starting");
  const bundleFor = bundleCache(deps, options);
  const rows: RefreshRow[] = [];
  for (const session of sessions) {
    const base = { id: session.id, name: session.name, profile: session.profile };
    try {
      const { bundle } = await bundleFor(profileOf(session.profile), []);
      const outcome = await client.refreshCredentials(session.id, base64Credentials(bundle));
      rows.push({ ...base, outcome: outcome.skipped ? "unchanged" : "updated", files: outcome.updated, hash: outcome.hash });
    } catch (error) {
      if (options.ref !== undefined) throw error;
      // Sessions started without credentials (the control plane's HOME, a container given none): not ours to write, and not a failure.
      if (isRemoteError(error) && (error.code === "NO_SESSION_HOME" || error.code === "NO_SESSION_CREDENTIALS")) continue;
      rows.push({ ...base, outcome: "failed", detail: errorMessage(error) });
    }
  }
  return rows;
}

/** One line per pass for `--watch`. */
export const describePass = (at: Date, rows: readonly RefreshRow[]): string => {
  const count = (o: RefreshRow["outcome"]) => rows.filter((r) => r.outcome === o).length;
  const failed = rows.filter((r) => r.outcome === "failed").map((r) => `${r.name}: ${r.detail}`);
  return `${at.toISOString()} refresh: ${count("updated")} updated · ${count("unchanged")} unchanged · ${count("failed")} failed${failed.length ? ` (${failed.join("; ")})` : ""}`;
};
