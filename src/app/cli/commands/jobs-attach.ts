import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { findJob } from "../../jobs/manage.ts";
import { attachRemoteSession } from "../../remote/attach.ts";
import { requireRemote } from "../../remote/route.ts";
import { attachSession } from "../../sessions/attach.ts";
import { exitCodeOf, jobArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "attach", description: "Attach to an interactive job's session (detach: Ctrl+P then Ctrl+Q)." },
    args: { ref: jobArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const job = findJob(deps, args.ref);
      if (job.headless && job.remoteTarget === undefined) {
        throw new RemoteError("JOB_HEADLESS", `Cannot attach job '${job.id}': it runs headless, without a terminal`, `Follow its output with \`remote jobs logs ${job.id} --follow\`.`, "usage");
      }
      if (job.sessionId === undefined || job.state !== "running") {
        throw new RemoteError("JOB_NOT_RUNNING", `Cannot attach job '${job.id}': it is ${job.state}${job.sessionId ? "" : " and has no session yet"}`, "See `remote jobs status` (pending jobs start when the conductor runs).", "conflict");
      }
      const outcome = job.remoteTarget !== undefined ? await attachRemoteSession(deps, requireRemote(deps, job.remoteTarget), job.sessionId) : await attachSession(deps, job.sessionId);
      ctx.setExitCode(exitCodeOf(outcome));
    },
  });
