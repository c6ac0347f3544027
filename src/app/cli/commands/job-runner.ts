import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { runJob } from "../../jobs/runner.ts";

/** Internal: runs one headless run of a job (started detached by delegate or the conductor). */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__job", description: "(internal) run a delegated job", hidden: true },
    args: {
      id: { type: "positional", required: true },
      claim: { type: "string", required: true },
    },
    run: async ({ args }) => {
      ctx.setExitCode(await runJob(ctx.deps(), args.id, args.claim));
    },
  });
