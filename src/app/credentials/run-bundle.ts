/**
 * Which credentials a new session gets. A local session runs with the person's own HOME
 * unless asked (`--with-auth`, or `--with TOOLS`): then it gets a HOME of its own holding
 * the bundle. A session elsewhere (a control plane; later docker/kubernetes) cannot see
 * this HOME, so the bundle goes by default; `--no-auth` sends none.
 */
import { bundleSpecsFor, parseCredentialTools, type CredentialTool } from "../../domain/credentials/bundle-spec.ts";
import { validateCredentialPath } from "../../domain/credentials/credential-path.ts";
import { credentialsAsBase64 } from "../../domain/credentials/wire.ts";
import { RemoteError } from "../../domain/errors.ts";
import { resolveProfile } from "../../domain/profiles.ts";
import type { AppDeps } from "../deps.ts";
import { collectBundle, type CollectedBundle } from "./collect.ts";
import { preflight } from "./preflight.ts";
import type { CredentialFiles } from "./session-home.ts";

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

/** A container or Pod cannot see this HOME: the profile's bundle (plus --with tools) goes by default, as runInContainer takes it. */
export async function containerCredentials(deps: Pick<AppDeps, "env" | "homeFiles" | "process" | "statusProbe" | "log">, profileName: string, flags: AuthFlags) {
  const bundle = await bundleForRun(deps, profileName, flags, "elsewhere");
  return bundle && { files: bundle.bundle.files, tools: bundle.tools };
}

/** The bundle as POST /sessions and the refresh route take it: path -> base64 (domain/credentials/wire.ts). */
export const base64Credentials = (bundle: { readonly files: CredentialFiles }): Record<string, string> => credentialsAsBase64(bundle.files);

/** The inverse, from a body or `remote __credentials`' stdin: checks every path and decodes every file before anything is written (all or nothing for bad input). */
export function decodeCredentialBundle(bundle: Readonly<Record<string, string>>): CredentialFiles {
  return Object.entries(bundle)
    .map(([path, base64]) => ({ path: validateCredentialPath(path), content: new Uint8Array(Buffer.from(base64, "base64")) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
