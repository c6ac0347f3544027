import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import { sessionHomeFor } from "../../domain/session-home.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import { findSession } from "../sessions/find.ts";

/** A validated bundle: relative path -> bytes, sorted by path. */
export type CredentialFiles = readonly (readonly [string, Uint8Array])[];

const badPath = (path: string, why: string) =>
  new RemoteError("INVALID_CREDENTIAL_PATH", `Cannot store credential file '${path}': ${why}`, "Use HOME-relative paths like .claude/.credentials.json.", "invalid");

/** HOME-relative, no `..`, not absolute: a bundle can only write inside the session's HOME. */
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

/**
 * Makes each directory of `relative` under `root` (0700), refusing one that is a link or
 * not a directory: the agent runs in that HOME and could have put a link there, and a
 * credential file must never be written through it to somewhere else.
 */
function makeDirsInside(root: string, relative: string): void {
  let dir = root;
  for (const segment of relative === "." ? [] : relative.split("/")) {
    dir = join(dir, segment);
    try {
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700); // whatever the umask
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lstatSync(dir).isDirectory()) throw badPath(relative, `'${segment}' in the session's HOME is a link or a file, not a directory`);
    }
  }
}

/** Each file 0600 from its first byte (temp file beside it, then renamed over: a running CLI sees old or new), dirs 0700. */
function writeCredentialFiles(home: string, files: CredentialFiles): void {
  for (const [path] of files) makeDirsInside(home, posix.dirname(path));
  for (const [path, content] of files) writeFileAtomically(join(home, path), content);
}

/**
 * Gives a session a HOME of its own with the credential files in place, before its agent
 * starts (runSession's prepareHome); returns that HOME.
 */
export function prepareSessionHome(deps: Pick<AppDeps, "config" | "store">, sessionId: string, files: CredentialFiles): string {
  const home = sessionHomeFor(deps.config.paths, sessionId);
  mkdirSync(dirname(home), { recursive: true, mode: 0o700 });
  mkdirSync(home, { mode: 0o700 });
  chmodSync(home, 0o700);
  writeCredentialFiles(home, files);
  deps.store().mutate(sessionId, (record) => ({ meta: { ...record.meta, home, credentialsHash: credentialBundleHash(files) } }));
  return home;
}

export type CredentialsOutcome = { readonly updated: number; readonly skipped: boolean; readonly hash: string };

/**
 * A refresh: writes the bundle into the HOME the session's agent runs with, unless its
 * hash equals the last one written. A session started without credentials runs with the
 * server's own HOME, which a client must never write into: that is refused.
 */
export function refreshCredentials(deps: Pick<AppDeps, "config" | "store" | "process">, ref: string, files: CredentialFiles): CredentialsOutcome {
  const session = findSession(deps, ref);
  const home = session.meta.home;
  if (typeof home !== "string") {
    throw new RemoteError(
      "NO_SESSION_HOME",
      `Cannot refresh the credentials of session '${session.name}': it was started without credentials and runs with the server's own HOME`,
      "Start the session with `credentials` (POST /sessions) to give it a HOME of its own, then refresh that one.",
      "conflict",
    );
  }
  const hash = credentialBundleHash(files);
  if (session.meta.credentialsHash === hash) return { updated: 0, skipped: true, hash };
  writeCredentialFiles(home, files);
  deps.store().mutate(session.id, (record) => ({ meta: { ...record.meta, credentialsHash: hash } }));
  return { updated: files.length, skipped: false, hash };
}
