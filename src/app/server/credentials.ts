import { posix } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { CredentialFiles } from "../credentials/session-home.ts";

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
    .map(([path, base64]) => ({ path: validateCredentialPath(path), content: new Uint8Array(Buffer.from(base64, "base64")) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
