/**
 * A container's `.State` (as `docker|podman inspect` prints it) read into the status `ls`
 * shows: running, created (pending), restarting (waiting, with how the last run ended),
 * or exited with its code and whether the kernel OOM-killed it. Pure: JSON in, status out.
 */
import type { ContainerStatus } from "../../domain/target.ts";

export type EngineState = { Status?: string; Running?: boolean; Restarting?: boolean; OOMKilled?: boolean; ExitCode?: number; Error?: string };

export function statusOf(state: EngineState): ContainerStatus {
  // A restart policy set outside remote: between two runs, with why the last one ended.
  if (state.Restarting || state.Status === "restarting") return { state: "waiting", reason: "Restarting", lastExitCode: state.ExitCode, lastReason: state.OOMKilled ? "OOMKilled" : undefined };
  if (state.Running) return { state: "running" };
  if (state.Status === "created" || state.Status === "configured") return { state: "created" };
  return { state: "exited", exitCode: state.ExitCode ?? -1, oomKilled: state.OOMKilled === true, error: state.Error || undefined };
}
