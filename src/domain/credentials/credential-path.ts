import { RemoteError } from "../errors.ts";

const badPath = (path: string, why: string) =>
  new RemoteError("INVALID_CREDENTIAL_PATH", `Cannot store credential file '${path}': ${why}`, "Use HOME-relative paths like .claude/.credentials.json.", "invalid");

/** HOME-relative, no `..`, not absolute: a bundle can only write inside the session's HOME (wherever it arrives from). */
export function validateCredentialPath(path: string): string {
  if (path.includes("\0") || path.includes("\\")) throw badPath(path, "it contains a NUL or a backslash");
  if (path.startsWith("/")) throw badPath(path, "it is absolute");
  const segments = path.split("/");
  if (segments.some((s) => s === "..")) throw badPath(path, "it contains '..'");
  if (segments.some((s) => s === "" || s === ".")) throw badPath(path, "it has an empty or '.' segment");
  return path;
}
