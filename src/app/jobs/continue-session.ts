/**
 * Resuming a throttled interactive job whose session is still open: its TUI sat on the
 * rate-limit message all along, so the conductor types the profile's continue prompt
 * into it instead of starting another session. The host's current output offset is
 * read first and goes into the same compare-and-set that moves the job throttled →
 * running under a new claim, so the message still on screen is not detected again;
 * then the keystrokes. A session that ended meanwhile is resumed as before: a new
 * session with the profile's resume argv (launch.ts).
 */
import { claimRun, holdsClaim } from "../../domain/jobs/claim.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import { continueKeystrokes } from "../../domain/profiles.ts";
import { viewState } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { requestHost } from "../sessions/host-request.ts";
import { stopSession } from "../sessions/manage.ts";
import { ensureConductor } from "./auto-conductor.ts";
import { newClaimToken } from "./claims.ts";
import type { JobEvents } from "./events.ts";

/** continued: typed into its session; superseded: another conductor moved it first; relaunch: no open session to type into. */
export type ContinueResult = "continued" | "superseded" | "relaunch";

/** Between the prompt and Enter: a TUI that reads both at once may take them for a paste and not submit. */
const KEY_GAP_MS = 150;

export async function continueInSession(deps: AppDeps, job: JobRecord, events: JobEvents): Promise<ContinueResult> {
  if (job.headless || job.remoteTarget !== undefined || job.sessionId === undefined) return "relaunch";
  const session = deps.store().get(job.sessionId);
  if (session?.socketPath === undefined || viewState(session, deps.process.isAlive) !== "running") return "relaunch";
  const keys = continueKeystrokes(job.profile);
  if (keys === undefined) {
    // Nothing to type (a shell): end the open session, then resume as for an ended one.
    await stopSession(deps, session.id, `job ${job.id} resumes after a throttle`);
    return "relaunch";
  }
  const { offset } = await requestHost<{ offset: number }>(deps, session.socketPath, { op: "info" });
  const now = deps.clock.now();
  const token = newClaimToken(deps);
  const moved = deps.jobStore().mutate(job.id, (cur) =>
    cur.state === "throttled" && cur.throttle?.nextRetryAt === job.throttle?.nextRetryAt && cur.sessionId === job.sessionId
      ? claimRun(cur, "resume", token, now, { sessionId: cur.sessionId, watchOffset: offset })
      : undefined,
  );
  if (!holdsClaim(moved, token)) return "superseded";
  for (const [i, data] of keys.entries()) {
    if (i > 0) await Bun.sleep(KEY_GAP_MS);
    await requestHost(deps, session.socketPath, { op: "send", data });
  }
  await events.emit("job:resume", moved);
  // Its next throttle or its end is only seen by a conductor: make sure one runs.
  ensureConductor(deps);
  return "continued";
}
