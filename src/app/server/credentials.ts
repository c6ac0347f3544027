import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { sessionDirFor } from "../../domain/config.ts";
import { RemoteError } from "../../domain/errors.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";

/** A validated bundle: relative path -> bytes, sorted by path. */
export type CredentialFiles = readonly (readonly [string, Uint8Array])[];

const badPath = (path: string, why: string) =>
  new RemoteError("INVALID_CREDENTIAL_PATH", `Cannot store credential file '${path}': ${why}`, "Use HOME-relative paths like .claude/.credentials.json.", "invalid");

/** HOME-relative, no `..`, not absolute: a bundle can only write inside the session's credentials dir. */
export function validateCredentialPath(path: string): string {
  if (path.includes("\0") || path.includes("\\")) throw badPath(path, "it contains a NUL or a backslash");
  if (posix.isAbsolute(path)) throw badPath(path, "it is absolute");
  const segments = path.split("/");
  if (segments.some((s) => s === "..")) throw badPath(path, "it contains '..'");
  if (segments.some((s) => s === "" || s === ".")) throw badPath(path, "it has an empty or '.' segment");
  return path;
}

/** Checks every path and decodes every file before anything is written (all or nothing for bad input). */
export function decodeCredentialBundle(bundle: Readonly<Record<string, string>>): CredentialFiles {
  return Object.entries(bundle)
    .map(([path, base64]) => [validateCredentialPath(path), new Uint8Array(Buffer.from(base64, "base64"))] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * sha256 over the files sorted by path, each as `path NUL length NUL content`; the lengths
 * keep "a"+"bc" and "ab"+"c" apart. Equal bundles hash equal whatever their key order.
 */
export function credentialBundleHash(files: CredentialFiles): string {
  const hash = createHash("sha256");
  for (const [path, content] of files) {
    hash.update(`${path}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

export const credentialsDirFor = (deps: Pick<AppDeps, "config">, sessionId: string) => join(sessionDirFor(deps.config.paths, sessionId), "home-creds");

/** Each file 0600 from its first byte (temp file in the same dir, then rename), dirs 0700. */
function writeAtomically(path: string, content: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomically(path, content);
}

export type CredentialsOutcome = { readonly updated: number; readonly skipped: boolean; readonly hash: string };

/** Writes the bundle into the session's private dir unless its hash equals the last one written. */
export function storeCredentials(deps: Pick<AppDeps, "config" | "store">, sessionId: string, files: CredentialFiles): CredentialsOutcome {
  const hash = credentialBundleHash(files);
  const current = deps.store().get(sessionId);
  if (current?.meta.credentialsHash === hash) return { updated: 0, skipped: true, hash };
  const dir = credentialsDirFor(deps, sessionId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [path, content] of files) writeAtomically(join(dir, path), content);
  deps.store().mutate(sessionId, (record) => ({ meta: { ...record.meta, credentialsHash: hash } }));
  return { updated: files.length, skipped: false, hash };
}
