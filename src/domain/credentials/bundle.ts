/**
 * A credential bundle as every target takes it: HOME-relative path -> bytes + mode, and
 * its hash. The hash (SPEC §8) is sha256 over the files sorted by path, each as
 * `path NUL length NUL content` (the lengths keep "a"+"bc" and "ab"+"c" apart), settings
 * files left out: a refresh is skipped when it is unchanged.
 */
import { CREDENTIAL_TOOLS, profileBundleSpec, toolBundleSpec, type CredentialFileSpec } from "./bundle-spec.ts";
import { CLI_PROFILES } from "../profiles.ts";

export type BundleFile = { readonly path: string; readonly content: Uint8Array; readonly mode: number };
export type CredentialBundle = { readonly files: readonly BundleFile[]; readonly hash: string };

/** Credential files are written 0600, in directories 0700, wherever the session runs. */
export const CREDENTIAL_FILE_MODE = 0o600;
export const CREDENTIAL_DIR_MODE = 0o700;

/** The hash function arrives as an argument (the domain does no crypto I/O): sha256 over the chunks, hex. */
export type Sha256 = (chunks: readonly (string | Uint8Array)[]) => string;

const ALL_FILES: readonly CredentialFileSpec[] = [...CLI_PROFILES.map(profileBundleSpec), ...CREDENTIAL_TOOLS.map(toolBundleSpec)].flatMap((s) => s.files);
const CONFIG_ONLY = new Set(ALL_FILES.filter((f) => f.configOnly).map((f) => f.path));

/** A settings file, not a secret (by its HOME-relative path, so a control plane given only paths decides the same). */
export const isConfigOnly = (path: string): boolean => CONFIG_ONLY.has(path);

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** What the hash covers, in order. */
export function bundleHashChunks(files: readonly { readonly path: string; readonly content: Uint8Array }[]): (string | Uint8Array)[] {
  return [...files]
    .filter((f) => !isConfigOnly(f.path))
    .sort(byPath)
    .flatMap((f) => [`${f.path}\0${f.content.length}\0`, f.content]);
}

export const bundleHash = (files: readonly { readonly path: string; readonly content: Uint8Array }[], sha256: Sha256): string => sha256(bundleHashChunks(files));

/** Files sorted by path with the mode every credential file gets, and their hash. */
export function makeBundle(files: readonly { readonly path: string; readonly content: Uint8Array }[], sha256: Sha256): CredentialBundle {
  return { files: [...files].sort(byPath).map((f) => ({ path: f.path, content: f.content, mode: CREDENTIAL_FILE_MODE })), hash: bundleHash(files, sha256) };
}
