/**
 * `remote jobs conduct --until-idle`, the automatic conductor ensureConductor starts (see
 * auto-conductor.ts): one at a time, by REMOTE_HOME/conductor.lock.
 */
import { RemoteError } from "../../domain/errors.ts";
import type { ProcessIdentity } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { conduct, type PassReport, type WatchOptions } from "./conduct.ts";
import { conductorLockPath, holdsLock, releaseLock, takeLock } from "./conductor-lock.ts";
import type { JobEvents } from "./events.ts";

const isIdle = (r: Pick<PassReport, "pending" | "running" | "throttled">) => r.pending + r.running + r.throttled === 0;

/**
 * `remote jobs conduct --until-idle`: take the lock (or exit 0 at once: another conductor
 * runs), conduct every `watchMinutes`, and once a pass leaves nothing pending, running or
 * throttled, release the lock and exit 0. Also ends on SIGINT/SIGTERM, or when the lock
 * is no longer ours (taken over, or REMOTE_HOME removed).
 */
export async function conductUntilIdle(deps: AppDeps, events: JobEvents, options: WatchOptions & { readonly watchMinutes: number }): Promise<number> {
  const self = deps.process.identify(process.pid);
  if (self === undefined) {
    throw new RemoteError("NO_IDENTITY", "Cannot take the conductor lock: this process's start time cannot be read", "Run `remote jobs conduct --watch 1` without --until-idle.", "unavailable");
  }
  const lock = conductorLockPath(deps.config.paths);
  const say = (text: string) => deps.stderr(`${deps.clock.now().toISOString()} conductor ${self.pid}: ${text}\n`);
  let take = takeLock(deps, lock, self);
  if (!take.taken) {
    say(take.holder ? `pid ${take.holder.pid} conducts already: exiting` : `could not take ${lock}: exiting`);
    return 0;
  }
  for (;;) {
    say(`took ${lock} (${identityText(self)})${take.staleFrom ? `, stale: pid ${take.staleFrom.pid} is gone` : ""}`);
    const outcome = await conductHolding(deps, events, options, lock, self, say);
    if (outcome !== "idle") return 0;
    // A job queued while we were releasing saw our lock and counted on us: look once more.
    const counts = deps.jobStore().counts();
    if (isIdle(counts)) return 0;
    take = takeLock(deps, lock, self);
    if (!take.taken) return 0; // another conductor has it now
  }
}

const identityText = (who: ProcessIdentity) => `pid ${who.pid}, start ${who.startTime}`;

/** Conducts while holding the lock; releases it (saying so first) however the loop ends. */
async function conductHolding(
  deps: AppDeps,
  events: JobEvents,
  options: WatchOptions,
  lock: string,
  self: ProcessIdentity,
  say: (text: string) => void,
): Promise<"idle" | "lost" | "stopped"> {
  let outcome = "stopped" as "idle" | "lost" | "stopped";
  try {
    await conduct(deps, events, {
      ...options,
      enough: (report) => {
        if (!holdsLock(lock, self)) outcome = "lost";
        else if (report !== undefined && isIdle(report)) outcome = "idle";
        return outcome !== "stopped";
      },
    });
  } finally {
    if (outcome === "lost") say(`${lock} is no longer mine (taken over or removed): exiting`);
    else if (holdsLock(lock, self)) {
      // Said before the lock goes, so the log shows holders strictly one after another.
      say(`releasing ${lock}${outcome === "idle" ? ": no job is pending, running or throttled" : ""}`);
      releaseLock(lock, self);
    }
  }
  return outcome;
}
