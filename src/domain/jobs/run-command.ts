/**
 * The one headless argv builder for a job's run, local or on a control plane: the
 * profile's one-shot argv for its first run, its continue argv once it has been
 * throttled (every later run continues the same conversation), the task always ONE
 * argv element. `env` picks the shell for the shell profile: a local run passes the
 * delegator's environment (the one `remote delegate` checked the CLI in); a control
 * plane resolves the binary on its own machine and takes only `args`.
 */
import { continueCommand, headlessCommand, type ProfileConfig, type ProfileEnv } from "../profiles.ts";
import type { JobRecord } from "./job.ts";

/** Whether the job's next run continues its conversation (it was throttled before) rather than starting it. */
export const continuesConversation = (job: Pick<JobRecord, "throttle">): boolean => job.throttle !== undefined;

export function headlessRunCommand(job: Pick<JobRecord, "profile" | "task" | "model" | "effort" | "throttle">, env: ProfileEnv): ProfileConfig {
  const build = continuesConversation(job) ? continueCommand : headlessCommand;
  return build(job.profile, job.task, { model: job.model, effort: job.effort }, { SHELL: env.SHELL });
}
