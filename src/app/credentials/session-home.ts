import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { bundleHash, CREDENTIAL_DIR_MODE } from "../../domain/credentials/bundle.ts";
import { RemoteError } from "../../domain/errors.ts";
import { sessionHomeFor } from "../../domain/session-home.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";
import { findSession } from "../sessions/find.ts";

/** A bundle's files: HOME-relative path (already checked) -> bytes. */
export type CredentialFiles = readonly { readonly path: string; readonly content: Uint8Array }[];

/** The bundle hash (config-only files left out, see domain/credentials/bundle.ts). */
export const credentialBundleHash = (files: CredentialFiles): string => bundleHash(files, sha256Hex);

const linkInTheWay = (path: string, segment: string) =>
  new RemoteError("INVALID_CREDENTIAL_PATH", `Cannot store credential file '${path}': '${segment}' in the session's HOME is a link or a file, not a directory`, "Remove it from the session's HOME and refresh again.", "invalid");

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
      mkdirSync(dir, { mode: CREDENTIAL_DIR_MODE });
      chmodSync(dir, CREDENTIAL_DIR_MODE); // whatever the umask
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lstatSync(dir).isDirectory()) throw linkInTheWay(relative, segment);
    }
  }
}

/** Each file 0600 from its first byte (temp file beside it, then renamed over: a running CLI sees old or new), dirs 0700. */
export function writeCredentialFiles(home: string, files: CredentialFiles): void {
  for (const { path } of files) makeDirsInside(home, posix.dirname(path));
  for (const { path, content } of files) writeFileAtomically(join(home, path), content);
}

/**
 * Gives a session a HOME of its own with the credential files in place, before its agent
 * starts (runSession's prepareHome); returns that HOME. `meta` is stored with it (the
 * tools a local refresh collects again).
 */
export function prepareSessionHome(deps: Pick<AppDeps, "config" | "store">, sessionId: string, files: CredentialFiles, meta: Readonly<Record<string, unknown>> = {}): string {
  const home = sessionHomeFor(deps.config.paths, sessionId);
  mkdirSync(dirname(home), { recursive: true, mode: 0o700 });
  mkdirSync(home, { mode: CREDENTIAL_DIR_MODE });
  chmodSync(home, CREDENTIAL_DIR_MODE);
  writeCredentialFiles(home, files);
  deps.store().mutate(sessionId, (record) => ({ meta: { ...record.meta, ...meta, home, credentialsHash: credentialBundleHash(files) } }));
  return home;
}

export type CredentialsOutcome = { readonly updated: number; readonly skipped: boolean; readonly hash: string };

export const noSessionHome = (session: SessionRecord) =>
  new RemoteError(
    "NO_SESSION_HOME",
    `Cannot refresh the credentials of session '${session.name}': it was started without credentials and runs with its owner's own HOME`,
    "Start the session with credentials (`remote run <profile> --with-auth`, or `credentials` in POST /sessions) to give it a HOME of its own, then refresh that one.",
    "conflict",
  );

/** Writes the bundle into a session's own HOME unless its hash equals the last one written there (stored in the session's meta). */
export function refreshSessionHome(deps: Pick<AppDeps, "store">, session: SessionRecord, files: CredentialFiles): CredentialsOutcome {
  const home = session.meta.home;
  if (typeof home !== "string") throw noSessionHome(session);
  const hash = credentialBundleHash(files);
  if (session.meta.credentialsHash === hash) return { updated: 0, skipped: true, hash };
  writeCredentialFiles(home, files);
  deps.store().mutate(session.id, (record) => ({ meta: { ...record.meta, credentialsHash: hash } }));
  return { updated: files.length, skipped: false, hash };
}

/**
 * A refresh by reference (POST /sessions/:id/credentials). A session started without
 * credentials runs with the server's own HOME, which a client must never write into: refused.
 */
export function refreshCredentials(deps: Pick<AppDeps, "config" | "store" | "process">, ref: string, files: CredentialFiles): CredentialsOutcome {
  return refreshSessionHome(deps, findSession(deps, ref), files);
}
