import { TOKEN_ENV, providerOf } from "../../domain/jobs/accounts.ts";
import { depthEnv } from "../../domain/jobs/depth.ts";
import type { JobRecord } from "../../domain/jobs/job.ts";
import type { AppDeps } from "../deps.ts";

/** Ours, and meaningless (or misleading) inside a job: the job is not the delegator's session. */
const DROP = ["REMOTE_HOST_BOOT", "REMOTE_SESSION_ID"];

/**
 * The agent's environment: the launcher's, plus REMOTE_JOB_ID, the child's depth budget
 * and, with an account, its token in the provider's variable (never argv, never logged).
 */
export function jobEnv(base: Readonly<Record<string, string>>, job: JobRecord, token: string | undefined): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const key of DROP) delete env[key];
  env.REMOTE_JOB_ID = job.id;
  Object.assign(env, depthEnv(job.depthBudget));
  const provider = providerOf(job.profile);
  if (token !== undefined && provider !== undefined) env[TOKEN_ENV[provider]] = token.trim();
  return env;
}

const envKey = (jobId: string) => `job-env-${jobId}`;

/**
 * The environment `remote delegate` ran in is the job's, whoever starts it later (the
 * delegate itself, a conductor, or a finished job handing on its slot). It may hold
 * secrets, so it is kept 0600 in the secret store, never in the job record.
 */
export function saveDelegatorEnv(deps: Pick<AppDeps, "secrets">, jobId: string, env: Readonly<Record<string, string>>): void {
  deps.secrets.write(envKey(jobId), JSON.stringify(env));
}

export function forgetDelegatorEnv(deps: Pick<AppDeps, "secrets">, jobId: string): void {
  deps.secrets.remove(envKey(jobId));
}

export function delegatorEnv(deps: Pick<AppDeps, "secrets" | "env">, job: Pick<JobRecord, "id">): Readonly<Record<string, string>> {
  const saved = deps.secrets.read(envKey(job.id));
  if (saved === undefined) return deps.env;
  try {
    return JSON.parse(saved) as Record<string, string>;
  } catch {
    return deps.env;
  }
}

/** The token of the job's account, when it has one. */
export function accountToken(deps: Pick<AppDeps, "secrets">, job: JobRecord): string | undefined {
  return job.accountId === undefined ? undefined : deps.secrets.read(job.accountId);
}
