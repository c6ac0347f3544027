import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { createFileAtomically } from "../../shared/atomic-file.ts";

const TOKEN_SHAPE = /^[0-9a-f]{64}$/;

/**
 * The control plane's bearer token: DIR/token, 32 random bytes as hex, created 0600 at the
 * first start (createFileAtomically: a second serve starting at the same moment either wins
 * or reads a complete file), reused afterwards.
 */
export function loadOrCreateToken(path: string): string {
  try {
    createFileAtomically(path, `${randomBytes(32).toString("hex")}\n`, 0o600);
  } catch (error) {
    throw new RemoteError("TOKEN_WRITE_FAILED", `Cannot create the token file '${path}': ${errorMessage(error)}`, "Check that the data dir is writable.", "unavailable");
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new RemoteError("TOKEN_FILE_OPEN", `Cannot use the token file '${path}': others can read it (mode ${mode.toString(8)})`, `Run \`chmod 600 ${path}\` (and rotate it: delete the file and restart serve).`, "usage");
  }
  const token = readFileSync(path, "utf8").trim();
  if (!TOKEN_SHAPE.test(token)) {
    throw new RemoteError("TOKEN_FILE_INVALID", `Cannot use the token file '${path}': it does not hold a 64-digit hex token`, "Delete it; serve creates a new one at start.", "corrupt");
  }
  return token;
}
