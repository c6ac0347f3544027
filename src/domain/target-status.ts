import type { SessionPatch } from "./session.ts";
import type { ContainerStatus } from "./target.ts";

/**
 * What a container's status means for a session record that is not final yet: an exited
 * container ends the session with its code (a kill from outside shows 137), one that is
 * gone fails it. Running or created changes nothing here.
 */
export function sessionPatchForContainer(status: ContainerStatus, now: string): SessionPatch | undefined {
  if (status.state === "exited") {
    if (status.oomKilled) return { state: "failed", reason: `container OOMKilled (exit code ${status.exitCode})`, exitCode: status.exitCode, endedAt: now, clients: 0 };
    if (status.error) return { state: "failed", reason: `container failed: ${status.error}`, exitCode: status.exitCode, endedAt: now, clients: 0 };
    return { state: "exited", exitCode: status.exitCode, endedAt: now, clients: 0 };
  }
  if (status.state === "missing") return { state: "failed", reason: "its container is gone (removed outside remote)", endedAt: now, clients: 0 };
  return undefined;
}
