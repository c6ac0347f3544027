import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import { delegateJob } from "../../jobs/delegate.ts";
import { MAX_CONCURRENT, numberArg, passthroughArg } from "./_shared.ts";

const MAX_DEPTH: NumericFlag = { kind: "integer", min: 0, max: 100, example: "2" };

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "delegate", description: "Run a task as a background job (its own git worktree); prints the job id." },
    args: {
      profile: { type: "positional", required: true, description: "claude, codex, gemini, opencode, mistral or shell" },
      task: { type: "positional", required: false, description: "The task: ONE argument, passed to the agent as is" },
      headless: { type: "boolean", description: "One-shot, no terminal: output in .remote/jobs/<id>/output.log" },
      cwd: { type: "string", description: "Where to run (default: here; in a git repo the job gets its own worktree)" },
      name: { type: "string", description: "A name for the job (and its session)" },
      model: { type: "string", description: "Model for the agent CLI" },
      effort: { type: "string", description: "Reasoning effort for the agent CLI" },
      account: { type: "string", description: "Always use this account (no rotation)" },
      "max-concurrent": numberArg("At most N jobs hold a slot at once (default: config max_concurrent, 4)", MAX_CONCURRENT),
      "max-depth": numberArg("Delegation depth budget (lowers an inherited one; 0 forbids)", MAX_DEPTH),
      remote: { type: "string", description: "Run on this control plane (URL)" },
      ...passthroughArg("The task as the one argument after --, instead of TASK"),
    },
    run: async ({ args }) => {
      const maxConcurrent = parseOptionalNumericFlag("--max-concurrent", args["max-concurrent"], MAX_CONCURRENT);
      const maxDepth = parseOptionalNumericFlag("--max-depth", args["max-depth"], MAX_DEPTH);
      const deps = ctx.deps();
      const task = args.task ?? (ctx.passthrough.length === 1 ? ctx.passthrough[0] : undefined);
      if (task === undefined || (args.task !== undefined && ctx.passthrough.length > 0)) {
        throw new RemoteError("TASK_REQUIRED", "Cannot delegate: expected exactly one task argument", "Quote the task as one argument: `remote delegate claude 'fix the failing test'`.", "usage");
      }
      const job = await delegateJob(deps, {
        profile: args.profile,
        task,
        headless: args.headless,
        cwd: args.cwd,
        name: args.name,
        model: args.model,
        effort: args.effort,
        account: args.account,
        maxConcurrent,
        maxDepth,
        remote: args.remote,
      });
      deps.stdout(`${job.id}\n`);
    },
  });
