import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { delegateJob, parseCount } from "../../jobs/delegate.ts";

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
      "max-concurrent": { type: "string", description: "At most N jobs hold a slot at once (default: config max_concurrent, 4)" },
      "max-depth": { type: "string", description: "Delegation depth budget (lowers an inherited one; 0 forbids)" },
      remote: { type: "string", description: "Run on this control plane (URL)" },
    },
    run: async ({ args }) => {
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
        maxConcurrent: parseCount("--max-concurrent", args["max-concurrent"]),
        maxDepth: parseCount("--max-depth", args["max-depth"]),
        remote: args.remote,
      });
      deps.stdout(`${job.id}\n`);
    },
  });
