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

/** The token of the job's account, when it has one. */
export function accountToken(deps: Pick<AppDeps, "secrets">, job: JobRecord): string | undefined {
  return job.accountId === undefined ? undefined : deps.secrets.read(job.accountId);
}
