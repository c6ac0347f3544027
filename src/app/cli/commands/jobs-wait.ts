import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { createJobEvents } from "../../jobs/events.ts";
import { waitExitCode, waitJob } from "../../jobs/manage.ts";
import { jobArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "wait", description: "Wait until a job ends; exit with its exit code (1 for a failure without one)." },
    args: { ref: jobArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const job = await waitJob(deps, args.ref, createJobEvents(deps));
      deps.stderr(`job ${job.id} ${job.state}${job.exitCode === undefined ? "" : ` (exit ${job.exitCode})`}${job.failReason ? `: ${job.failReason}` : ""}\n`);
      ctx.setExitCode(waitExitCode(job));
    },
  });
