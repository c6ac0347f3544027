/**
 * The automatic conductor: whoever leaves a job waiting for a conductor (a delegate over
 * the cap, a runner that recorded a throttle, an interactive or remote run whose end only
 * a conductor sees) calls ensureConductor, which starts `remote jobs conduct --watch
 * <interval> --until-idle` detached unless one is alive. That process holds
 * REMOTE_HOME/conductor.lock (one at a time) and exits once no job is pending, running or
 * throttled (conduct-until-idle.ts). A person's own `jobs conduct` needs no lock: claims
 * are atomic.
 */
import { errorMessage } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { conductorLockPath, conductorLogPath, lockHolder } from "./conductor-lock.ts";


/** Ours, and wrong for a conductor that serves every job: it belongs to no session or job. */
const DROP = ["REMOTE_HOST_BOOT", "REMOTE_SESSION_ID", "REMOTE_JOB_ID"];

/** The argv (after the program) of the automatic conductor. */
export const autoConductorArgs = (intervalMs: number): string[] => ["jobs", "conduct", "--watch", String(intervalMs / 60_000), "--until-idle"];

/** Starts the automatic conductor unless it runs already (or config job_auto_conduct = false). Never throws. */
export function ensureConductor(deps: Pick<AppDeps, "config" | "process" | "selfLauncher" | "env" | "log">): void {
  if (!deps.config.jobs.autoConduct) return;
  const { paths } = deps.config;
  try {
    const holder = lockHolder(conductorLockPath(paths));
    if (holder !== undefined && deps.process.isAlive(holder)) return;
    const env = { ...deps.env };
    for (const key of DROP) delete env[key];
    // Racing starters may start several: all but one find the lock taken and exit at once.
    deps.selfLauncher.launch(autoConductorArgs(deps.config.jobs.conductIntervalMs), { env, cwd: paths.home, logPath: conductorLogPath(paths) });
  } catch (error) {
    deps.log.warn(`could not start the automatic conductor: ${errorMessage(error)} (run \`remote jobs conduct --watch 1\` to conduct by hand)`);
  }
}
