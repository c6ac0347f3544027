import { defineCommand } from "citty";
import { parseDuration } from "../../../domain/duration.ts";
import { json, table, type CliContext } from "../context.ts";
import { pruneJobs, type PruneOutcome } from "../../jobs/prune.ts";
import { jsonArg } from "./_shared.ts";

const detail = (o: PruneOutcome) => (o.reason === undefined ? (o.worktree ?? "-") : `${o.reason}${o.forceable ? " (--force removes it)" : ""}`);

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "prune", description: "Remove ended (done/failed) jobs: their worktree, folder and row. A worktree with changes is kept unless --force." },
    args: {
      "older-than": { type: "string", description: "Only jobs that ended at least this long ago: 30m, 2h, 7d" },
      force: { type: "boolean", description: "Also remove worktrees with uncommitted changes or commits on no branch" },
      "dry-run": { type: "boolean", description: "Say what would be removed and kept; change nothing" },
      json: jsonArg,
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const olderThanMs = args["older-than"] === undefined ? undefined : parseDuration("--older-than", args["older-than"]);
      const outcomes = pruneJobs(deps, { olderThanMs, force: args.force, dryRun: args["dry-run"] });
      if (outcomes.some((o) => o.outcome === "failed")) ctx.setExitCode(1);
      if (args.json) return deps.stdout(json(outcomes));
      if (outcomes.length === 0) return deps.stderr(`no ended jobs${olderThanMs === undefined ? "" : ` older than ${args["older-than"]}`} to prune\n`);
      deps.stdout(table(["ID", "OUTCOME", "DETAIL"], outcomes.map((o) => [o.id, o.outcome, detail(o)])));
    },
  });
