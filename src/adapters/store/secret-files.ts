import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { SecretStorePort } from "../../domain/ports.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

/**
 * One file per secret in a 0700 folder, each created 0600 from the start (never
 * chmod-after, so no window where another user could read it) and renamed into place
 * (writeFileAtomically).
 */
export function createSecretFiles(dir: string): SecretStorePort {
  const file = (key: string) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(key)) throw new RemoteError("INVALID_KEY", `Cannot store a secret under '${key}': not a plain name`, "Use letters, digits, '.', '_' or '-'.", "usage");
    return join(dir, `${key}.token`);
  };
  return {
    write: (key, secret) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileAtomically(file(key), secret, 0o600);
    },
    read: (key) => {
      const target = file(key);
      return existsSync(target) ? readFileSync(target, "utf8") : undefined;
    },
    remove: (key) => rmSync(file(key), { force: true }),
  };
}
