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

/** Reasons a Pod has not started its container yet (the image, scheduling): `pending`; anything else waiting (a crash loop) is `waiting`. */
const PENDING_REASONS = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "Unschedulable", "ContainerCreating", "PodInitializing", "CreateContainerConfigError"]);
/** Reasons that will not go away by waiting: a run that meets one fails at once (and leaves nothing behind). */
export const HOPELESS_REASONS = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CrashLoopBackOff", "RunContainerError"]);

/**
 * The engine's word on a session it has not ended, for `ls` STATE and `targetState` in
 * --json: "pending", "pending: ImagePullBackOff", "waiting: CrashLoopBackOff (last
 * OOMKilled, exit code 137; 3 restarts)"; undefined when it is plainly running (or ended:
 * the record says how, from sessionPatchForContainer).
 */
export function containerCondition(status: ContainerStatus): string | undefined {
  if (status.state === "created") return "pending";
  if (status.state !== "waiting") return undefined;
  const last = status.lastReason !== undefined || status.lastExitCode !== undefined ? [`last ${status.lastReason ?? "exit"}${status.lastExitCode === undefined ? "" : `, exit code ${status.lastExitCode}`}`] : [];
  const restarts = status.restarts ? [`${status.restarts} restart${status.restarts === 1 ? "" : "s"}`] : [];
  const detail = [...last, ...restarts].join("; ");
  return `${PENDING_REASONS.has(status.reason) ? "pending" : "waiting"}: ${status.reason}${detail ? ` (${detail})` : ""}`;
}
