/**
 * Which credentials a new session gets. A local session runs with the person's own HOME
 * unless asked (`--with-auth`, or `--with TOOLS`): then it gets a HOME of its own holding
 * the bundle. A session elsewhere (a control plane; later docker/kubernetes) cannot see
 * this HOME, so the bundle goes by default; `--no-auth` sends none.
 */
import { bundleSpecsFor, parseCredentialTools, type CredentialTool } from "../../domain/credentials/bundle-spec.ts";
import { RemoteError } from "../../domain/errors.ts";
import { resolveProfile } from "../../domain/profiles.ts";
import type { AppDeps } from "../deps.ts";
import { collectBundle, type CollectedBundle } from "./collect.ts";
import { preflight } from "./preflight.ts";

export type AuthFlags = {
  /** `--with-auth`. */
  readonly withAuth?: boolean | undefined;
  /** `--no-auth` (false), as citty reads a negated boolean. */
  readonly auth?: boolean | undefined;
  /** `--with gh,aws`. */
  readonly with?: string | undefined;
  /** `--no-preflight` (false). */
  readonly preflight?: boolean | undefined;
};

export type RunBundle = CollectedBundle & { readonly tools: readonly CredentialTool[] };

/** Where the session runs: here (the person's HOME is there to use) or elsewhere. */
export type RunPlace = "local" | "elsewhere";

export async function bundleForRun(deps: Pick<AppDeps, "env" | "homeFiles" | "process" | "statusProbe" | "log">, profileName: string, flags: AuthFlags, place: RunPlace): Promise<RunBundle | undefined> {
  const tools = parseCredentialTools(flags.with === undefined ? [] : [flags.with]);
  const asked = flags.withAuth === true || tools.length > 0;
  if (flags.auth === false) {
    if (asked) throw new RemoteError("CONFLICTING_FLAGS", `Cannot use --no-auth with ${flags.withAuth ? "--with-auth" : "--with"}: one sends credentials, the other none`, "Keep one of them.", "usage");
    return undefined;
  }
  if (place === "local" && !asked) return undefined;
  const { profile } = resolveProfile(profileName);
  // A profile without credential files (shell) and no tools: nothing to send, so the session keeps things as they are.
  if (!asked && bundleSpecsFor(profile, tools).every((s) => s.files.length === 0)) return undefined;
  const collected = collectBundle(deps, profile, tools);
  if (flags.preflight !== false) for (const spec of bundleSpecsFor(profile, [])) await preflight(deps, spec);
  return { ...collected, tools };
}

/** The bundle as POST /sessions and the refresh route take it: path -> base64. */
export const base64Credentials = (bundle: RunBundle["bundle"]): Record<string, string> =>
  Object.fromEntries(bundle.files.map((f) => [f.path, Buffer.from(f.content).toString("base64")]));
