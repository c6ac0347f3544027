import { credentialsInput } from "../../domain/credentials/wire.ts";
import { RemoteError } from "../../domain/errors.ts";
import { CONTAINER_BINARY, type TargetHandle } from "../../domain/target.ts";
import type { TargetPort } from "../../domain/target-port.ts";
import type { CredentialFiles } from "./session-home.ts";

/**
 * `remote __credentials` in a session's container or Pod through the target's exec, the
 * bundle on its stdin: a value never reaches an argv (`ps`), the engine's env or a log. It
 * writes the files into the session's HOME (0600, dirs 0700): a docker session's first
 * bundle (its `__pod` waits for it) and every refresh on both targets.
 */
export async function pushIntoSession(target: TargetPort, handle: TargetHandle, files: CredentialFiles): Promise<void> {
  const pushed = await target.exec(handle, [CONTAINER_BINARY, "__credentials"], credentialsInput(files));
  if (pushed.code !== 0) {
    throw new RemoteError("CREDENTIALS_PUSH_FAILED", `Cannot write credential files into '${handle.container}': ${pushed.stderr || `exec exited with code ${pushed.code}`}`, "Check that the session is running (`remote ls`), then refresh again.", "unavailable");
  }
}
