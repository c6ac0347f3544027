import { defineCommand } from "citty";
import { stripAnsi } from "../../../domain/ansi.ts";
import { RemoteError } from "../../../domain/errors.ts";
import type { JobRecord } from "../../../domain/jobs/job.ts";
import type { CliContext } from "../context.ts";
import type { AppDeps } from "../../deps.ts";
import { findJob, jobOutput } from "../../jobs/manage.ts";
import { createRemoteClient } from "../../remote/client.ts";
import { requireRemote } from "../../remote/route.ts";
import { followRemoteOutput } from "../../remote/sessions.ts";
import { followOutput, sessionText } from "../../sessions/manage.ts";
import { jobArg } from "./_shared.ts";

const notStarted = (job: JobRecord, where: string) =>
  new RemoteError("NO_LOGS", `Cannot show logs of job '${job.id}': it has not started ${where} yet (${job.state})`, "Wait for it to start (`remote jobs status`), or run the conductor.", "conflict");

/** An interactive or remote job's output: its session's scrollback, then live output with --follow. */
async function sessionLogs(deps: AppDeps, job: JobRecord, follow: boolean): Promise<void> {
  if (job.sessionId === undefined) throw notStarted(job, job.remoteTarget ? `on ${job.remoteTarget}` : "a session");
  const decoder = new TextDecoder();
  const print = (data: Uint8Array) => deps.stdout(stripAnsi(decoder.decode(data, { stream: true })));
  if (job.remoteTarget !== undefined) {
    const target = requireRemote(deps, job.remoteTarget);
    const { text, offset } = await createRemoteClient(target).logs(job.sessionId);
    if (text) deps.stdout(`${text}\n`);
    if (follow && offset !== undefined) await followRemoteOutput(deps, target, job.sessionId, offset, print);
    return;
  }
  const { session, text, offset } = await sessionText(deps, job.sessionId);
  if (text) deps.stdout(`${text}\n`);
  if (follow && offset !== undefined && session.socketPath) {
    await followOutput(deps, session.socketPath, offset, (data, isSnapshot) => {
      if (!isSnapshot) print(data);
    });
  }
}

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "logs", description: "A job's output (headless: output.log; interactive or remote: its session's scrollback)." },
    args: { ref: jobArg, follow: { type: "boolean", alias: "f", description: "Keep printing until the job ends" } },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const job = findJob(deps, args.ref);
      const follow = args.follow ?? false;
      if (job.headless && job.remoteTarget === undefined) return jobOutput(deps, job, deps.stdout, { follow });
      return sessionLogs(deps, job, follow);
    },
  });
