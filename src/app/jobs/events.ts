import type { JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins, type EventBus } from "../plugins.ts";
import { forgetDelegatorEnv } from "./child-env.ts";
import { pruneSucceededWorktree } from "./prune.ts";

export type JobEventName = "job:queued" | "job:start" | "job:throttle" | "job:resume" | "job:done" | "job:fail";

/** Emits job lifecycle events to user plugins; plugins load once per process, on the first event. */
export type JobEvents = { readonly emit: (name: JobEventName, job: JobRecord) => Promise<void> };

export function createJobEvents(deps: Pick<AppDeps, "config" | "log" | "importModule" | "secrets" | "git" | "eventLog" | "clock">, bus?: EventBus): JobEvents {
  let ready: Promise<EventBus> | undefined;
  const load = () =>
    (ready ??= (async () => {
      if (bus) return bus;
      const created = createEventBus(deps.log);
      const { paths } = deps.config;
      await loadPlugins(deps.config.plugins, created, { home: paths.home, optionsByName: deps.config.pluginOptions }, deps.log, deps.importModule);
      return created;
    })());
  return {
    emit: async (name, job) => {
      // A finished job never starts again: its saved environment (which may hold secrets) goes.
      if (name === "job:done" || name === "job:fail") forgetDelegatorEnv(deps, job.id);
      logJobState(deps, job);
      if (bus || deps.config.plugins.length > 0) await (await load()).emit(name, { job });
      // After the plugins: a job:done plugin may still look at the worktree.
      if (name === "job:done") pruneSucceededWorktree(deps, job);
    },
  };
}

/** The event a job's final state announces. */
export const finalEvent = (job: JobRecord): JobEventName => (job.state === "done" ? "job:done" : "job:fail");

/** Every job move goes to the state log (GET /events, `remote wait`); a busy store costs the entry, never the move. */
function logJobState(deps: Pick<AppDeps, "log" | "eventLog" | "clock">, job: JobRecord) {
  try {
    deps.eventLog().append({
      subject: "job",
      subjectId: job.id,
      name: job.name,
      state: job.state,
      at: deps.clock.now().toISOString(),
      resetAt: job.state === "throttled" ? job.throttle?.nextRetryAt : undefined,
      detail: job.sessionId === undefined ? undefined : `session ${job.sessionId}`,
    });
  } catch (error) {
    deps.log.warn(`could not log the state of job ${job.id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
