/**
 * A session container whose control plane puts things in before the agent starts (a
 * workspace's files at its path, a migrated conversation in HOME: PodSpec `prepared: "exec"`):
 * `remote __pod` waits for `remote __prepared`, run through the target's exec once the rest
 * is in, which leaves a marker under the container's REMOTE_HOME.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { PodSpec } from "../../domain/target.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import { fileAppears } from "./pod-credentials.ts";

const PREPARED = "prepared";
/** How long `__pod` waits (a large workspace crosses the exec first). */
export const PREPARE_WAIT_MS = 300_000;

/** `remote __prepared`. */
export function markPrepared(deps: Pick<AppDeps, "config">): void {
  mkdirSync(deps.config.paths.home, { recursive: true, mode: 0o700 });
  writeFileAtomically(join(deps.config.paths.home, PREPARED), "prepared\n");
}

/** In `remote __pod`, before the agent starts. */
export async function preparedBeforeStart(deps: Pick<AppDeps, "config">, spec: PodSpec, waitMs = PREPARE_WAIT_MS): Promise<void> {
  if (spec.prepared !== "exec") return;
  await fileAppears(join(deps.config.paths.home, PREPARED), waitMs, () => new RemoteError("SESSION_NOT_PREPARED", `Cannot start the session: its workspace and conversation did not arrive within ${waitMs / 1000} s`, "Start it again; check that the container engine can exec into it.", "unavailable"));
}
