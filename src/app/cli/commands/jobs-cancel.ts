import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { createJobEvents } from "../../jobs/events.ts";
import { cancelJob } from "../../jobs/manage.ts";
import { jobArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "cancel", description: "Cancel a job: stop its run; it ends failed (cancelled). A finished job refuses." },
    args: { ref: jobArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const job = await cancelJob(deps, args.ref, createJobEvents(deps));
      deps.stderr(`job ${job.id} cancelled\n`);
    },
  });
