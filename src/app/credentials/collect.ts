/**
 * Collecting a credential bundle from the person's HOME (SPEC §2): the profile's files and
 * each opted-in tool's, Claude's settings without `hooks`, a missing required file refused
 * with the paths, the login command and --no-auth. Contents go only into the bundle: every
 * report carries paths, sizes and hashes.
 */
import { bundleSpecsFor, missingRequiredError, sourcePathOf, type BundleSpec, type CredentialTool, type SourceEnv } from "../../domain/credentials/bundle-spec.ts";
import { isConfigOnly, makeBundle, type CredentialBundle } from "../../domain/credentials/bundle.ts";
import { stripClaudeHooks } from "../../domain/credentials/strip-hooks.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { CliProfile } from "../../domain/profiles.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";

export type FileReport = {
  /** HOME-relative, where the session reads it. */
  readonly path: string;
  /** Where the person's copy was looked for. */
  readonly source: string;
  readonly from: string;
  readonly required: boolean;
  readonly configOnly: boolean;
  readonly found: boolean;
  /** Of what would be sent (after stripping hooks). */
  readonly size?: number;
  readonly sha256?: string;
  readonly hooksStripped?: boolean;
};

export type SpecReport = { readonly spec: BundleSpec; readonly files: readonly FileReport[] };

type Collected = { readonly reports: SpecReport[]; readonly contents: { path: string; content: Uint8Array }[] };

export function sourceEnvOf(deps: Pick<AppDeps, "env">): SourceEnv {
  const home = deps.env.HOME;
  if (home === undefined || !home.startsWith("/")) {
    throw new RemoteError("NO_HOME", "Cannot find credential files: HOME is not set to an absolute path", "Set HOME, or start without credentials with --no-auth.", "unavailable");
  }
  return { ...deps.env, HOME: home };
}

/** Reads every file of the specs (missing ones reported, not refused). */
function readSpecs(deps: Pick<AppDeps, "env" | "homeFiles">, specs: readonly BundleSpec[]): Collected {
  const env = sourceEnvOf(deps);
  const contents: { path: string; content: Uint8Array }[] = [];
  const seen = new Set<string>();
  const reports = specs.map((spec) => ({
    spec,
    files: spec.files.map((file): FileReport => {
      const source = sourcePathOf(file, env);
      const base = { path: file.path, source, from: spec.name, required: file.required === true, configOnly: isConfigOnly(file.path) };
      let content = deps.homeFiles.read(source);
      if (content === undefined) return { ...base, found: false };
      let hooksStripped: boolean | undefined;
      if (file.stripHooks) {
        const stripped = stripClaudeHooks(content);
        if (!stripped.ok) {
          throw new RemoteError("CREDENTIAL_INVALID", `Cannot bundle '${source}': ${stripped.reason}`, "Fix or remove the file, or start without credentials with --no-auth.", "unavailable");
        }
        hooksStripped = stripped.content !== content;
        content = stripped.content;
      }
      // Gemini and agy share their files: send each once.
      if (!seen.has(file.path)) contents.push({ path: file.path, content });
      seen.add(file.path);
      return { ...base, found: true, size: content.length, sha256: sha256Hex([content]), ...(hooksStripped !== undefined && { hooksStripped }) };
    }),
  }));
  return { reports, contents };
}

/** What `auth status` shows: every file of the specs, found or not. */
export const reportSpecs = (deps: Pick<AppDeps, "env" | "homeFiles">, specs: readonly BundleSpec[]): SpecReport[] => readSpecs(deps, specs).reports;

export type CollectedBundle = { readonly bundle: CredentialBundle; readonly reports: readonly SpecReport[] };

/** The bundle for a profile and tools, or CREDENTIALS_MISSING naming the expected paths of the first spec missing a required file. */
export function collectBundle(deps: Pick<AppDeps, "env" | "homeFiles">, profile: CliProfile, tools: readonly CredentialTool[]): CollectedBundle {
  const { reports, contents } = readSpecs(deps, bundleSpecsFor(profile, tools));
  for (const [index, { spec, files }] of reports.entries()) {
    // A tool asked for with --with must bring something; the profile's own files may all be optional (gemini with an API key).
    const missing = files.filter((f) => (index > 0 ? !files.some((g) => g.found) : f.required && !f.found));
    if (missing.length > 0) throw missingRequiredError(spec, missing.map((f) => ({ path: f.path, source: f.source })), index > 0);
  }
  return { bundle: makeBundle(contents, sha256Hex), reports };
}
