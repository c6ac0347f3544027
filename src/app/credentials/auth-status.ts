/** `remote auth status|inspect`: which credential files would travel, never their contents. */
import { bundleSpecsFor, parseCredentialTools, profileBundleSpec, type CredentialTool } from "../../domain/credentials/bundle-spec.ts";
import { CREDENTIAL_FILE_MODE } from "../../domain/credentials/bundle.ts";
import type { Freshness } from "../../domain/credentials/freshness.ts";
import { CLI_PROFILES, resolveProfile, type CliProfile } from "../../domain/profiles.ts";
import type { AppDeps } from "../deps.ts";
import { collectBundle, reportSpecs, type FileReport } from "./collect.ts";
import { checkFreshness } from "./preflight.ts";

export type ProfileAuthStatus = {
  readonly profile: CliProfile;
  readonly files: readonly FileReport[];
  /** The CLI's own status command's verdict; absent for a CLI without one, or when skipped. */
  readonly freshness?: Freshness;
};

type Deps = Pick<AppDeps, "env" | "homeFiles" | "process" | "statusProbe">;

/** Every profile with credential files (or the one named), each with its files and login freshness. */
export async function authStatus(deps: Deps, options: { readonly profile?: string | undefined; readonly with?: string | undefined; readonly preflight?: boolean | undefined }): Promise<ProfileAuthStatus[]> {
  const tools = parseCredentialTools(options.with === undefined ? [] : [options.with]);
  const profiles = options.profile === undefined ? CLI_PROFILES.filter((p) => profileBundleSpec(p).files.length > 0) : [resolveProfile(options.profile).profile];
  return Promise.all(
    profiles.map(async (profile) => {
      const files = reportSpecs(deps, bundleSpecsFor(profile, tools)).flatMap((r) => r.files);
      const spec = profileBundleSpec(profile);
      const loggedIn = spec.files.some((f) => f.required) ? files.some((f) => f.required && f.found) : true;
      if (spec.status === undefined || options.preflight === false) return { profile, files };
      const freshness: Freshness = loggedIn ? await checkFreshness(deps, spec) : { state: "stale", detail: `not logged in: run \`${spec.login}\`` };
      return { profile, files, freshness };
    }),
  );
}

export type BundleInspection = {
  readonly profile: CliProfile;
  readonly tools: readonly CredentialTool[];
  /** The bundle hash a refresh compares (settings files left out). */
  readonly hash: string;
  readonly files: readonly { readonly path: string; readonly mode: string; readonly size: number; readonly sha256: string; readonly source: string; readonly configOnly: boolean; readonly hooksStripped?: boolean }[];
};

/** Exactly what a session started now would be sent (or why it would be refused). */
export function inspectBundle(deps: Pick<AppDeps, "env" | "homeFiles">, profileName: string, withTools: string | undefined): BundleInspection {
  const { profile } = resolveProfile(profileName);
  const tools = parseCredentialTools(withTools === undefined ? [] : [withTools]);
  const { bundle, reports } = collectBundle(deps, profile, tools);
  const reported = new Map(reports.flatMap((r) => r.files).map((f) => [f.path, f]));
  return {
    profile,
    tools,
    hash: bundle.hash,
    files: bundle.files.map((f) => {
      const report = reported.get(f.path) as FileReport;
      return {
        path: f.path,
        mode: `0${CREDENTIAL_FILE_MODE.toString(8)}`,
        size: f.content.length,
        sha256: report.sha256 as string,
        source: report.source,
        configOnly: report.configOnly,
        ...(report.hooksStripped !== undefined && { hooksStripped: report.hooksStripped }),
      };
    }),
  };
}
