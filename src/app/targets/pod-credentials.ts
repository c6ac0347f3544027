/**
 * Credentials inside a session container or Pod (issue 9 items 5, 6), both ends of it:
 * - before `remote __pod` starts the agent, the bundle is put into the session's HOME: a
 *   Pod copies it from its Secret, mounted read-only at CREDENTIALS_MOUNT (one file per
 *   key, named by its encoded path); a docker container waits for it to be pushed in;
 * - `remote __credentials` (run through the target's exec, the bundle on its stdin, never
 *   in args or env) writes a bundle into HOME: a docker session's first one, and every
 *   refresh on both targets.
 * Files 0600, directories 0700, never through a link (session-home.ts's writer).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch } from "node:fs";
import { join } from "node:path";
import { CREDENTIALS_MOUNT } from "../../domain/kube/entrypoint.ts";
import { pathOfSecretKey } from "../../domain/kube/secret-keys.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { PodSpec } from "../../domain/target.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCredentialBundle } from "../credentials/run-bundle.ts";
import { credentialBundleHash, writeCredentialFiles, type CredentialFiles } from "../credentials/session-home.ts";

/** Under the container's REMOTE_HOME: the hash of the last bundle written (a hash, no content), so `__pod` knows the first one arrived. */
const DELIVERED = "credentials.sha256";
/** How long a container's `__pod` waits for its first bundle (its creator pushes it right after the start). */
export const DELIVERY_WAIT_MS = 60_000;

type Deps = Pick<AppDeps, "env" | "config">;

const homeOf = (deps: Pick<AppDeps, "env">): string => {
  const home = deps.env.HOME;
  if (!home?.startsWith("/")) throw new RemoteError("NO_HOME", "Cannot write credential files: HOME is not set to an absolute path in the session's container", undefined, "internal");
  return home;
};

function writeIntoHome(deps: Deps, files: CredentialFiles): { updated: number; hash: string } {
  writeCredentialFiles(homeOf(deps), files);
  const hash = credentialBundleHash(files);
  mkdirSync(deps.config.paths.home, { recursive: true, mode: 0o700 });
  writeFileAtomically(join(deps.config.paths.home, DELIVERED), `${hash}\n`);
  return { updated: files.length, hash };
}

/** `remote __credentials`: the bundle as JSON (path -> base64) on stdin, written into HOME. */
export function receiveCredentials(deps: Deps, input: Uint8Array): { updated: number; hash: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(input));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === "string")) {
    // Never the parser's message: it could quote the input.
    throw new RemoteError("BAD_CREDENTIALS_INPUT", "Cannot read credentials from stdin: not a JSON object of path -> base64", "It is sent by `remote run`/`remote refresh`; this command is internal.", "usage");
  }
  return writeIntoHome(deps, decodeCredentialBundle(parsed as Record<string, string>));
}

/** The files of the mounted Secret, by the paths their names encode (the kubelet's own `..data` entries are not ours). */
export function mountedCredentials(dir: string): CredentialFiles {
  return readdirSync(dir).flatMap((name) => {
    const path = pathOfSecretKey(name);
    // statSync follows the kubelet's links (`key -> ..data/key`).
    if (path === undefined || !statSync(join(dir, name)).isFile()) return [];
    return [{ path, content: new Uint8Array(readFileSync(join(dir, name))) }];
  });
}

/** Resolves once `file` exists (watching its directory), or rejects with `late()` after `timeoutMs`. */
export function fileAppears(file: string, timeoutMs: number, late: () => Error = credentialsLate(timeoutMs)): Promise<void> {
  const dir = join(file, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => {
      if (existsSync(file)) done();
    });
    const timer = setTimeout(() => done(late()), timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    // It may have arrived before the watch began.
    if (existsSync(file)) done();
  });
}

const credentialsLate = (timeoutMs: number) => () => new RemoteError("CREDENTIALS_NOT_DELIVERED", `Cannot start the session: its credentials did not arrive within ${timeoutMs / 1000} s`, "Start it again; check that the container engine can exec into it.", "unavailable");

/** Before the agent starts: its credential files in HOME, from the Secret's mount or pushed in. */
export async function credentialsBeforeStart(deps: Deps, spec: PodSpec, waitMs = DELIVERY_WAIT_MS): Promise<void> {
  if (spec.credentials === "mount") {
    if (!existsSync(CREDENTIALS_MOUNT)) throw new RemoteError("CREDENTIALS_NOT_MOUNTED", `Cannot copy the session's credentials: ${CREDENTIALS_MOUNT} is not mounted`, "The Pod must mount its credential Secret there (as `remote run --target kubernetes` renders it).", "unavailable");
    writeIntoHome(deps, mountedCredentials(CREDENTIALS_MOUNT));
  } else if (spec.credentials === "exec") {
    await fileAppears(join(deps.config.paths.home, DELIVERED), waitMs);
  }
}
