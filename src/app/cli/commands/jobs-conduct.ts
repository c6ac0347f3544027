import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { conductUntilIdle } from "../../jobs/conduct-until-idle.ts";
import { conduct } from "../../jobs/conduct.ts";
import { parseCount } from "../../jobs/delegate.ts";
import { createJobEvents } from "../../jobs/events.ts";

export function parseWatchMinutes(raw: string): number {
  const minutes = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(minutes) || minutes <= 0) {
    throw new RemoteError("INVALID_FLAG", `Cannot use --watch '${raw}': it must be a number of minutes > 0`, "Pass e.g. --watch 1 (or --watch 0.1 for every 6 seconds).", "usage");
  }
  return minutes;
}

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "conduct", description: "Reconcile, resume due throttled jobs, start pending ones FIFO under the cap; one timestamped line per pass on stderr." },
    args: {
      watch: { type: "string", description: "Repeat every MIN minutes (fractions allowed) until Ctrl-C, which exits 0" },
      "until-idle": {
        type: "boolean",
        description:
          "The automatic conductor: take REMOTE_HOME/conductor.lock (exit 0 at once if another holds it), repeat every --watch MIN (default: config job_conduct_interval_ms), exit 0 once no job is pending, running or throttled",
      },
      "max-concurrent": { type: "string", description: "Ceiling of the cap (default: the jobs' own --max-concurrent, config max_concurrent)" },
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const watchMinutes = args.watch === undefined ? undefined : parseWatchMinutes(args.watch);
      const maxConcurrent = parseCount("--max-concurrent", args["max-concurrent"]);
      const events = createJobEvents(deps);
      if (args["until-idle"]) {
        ctx.setExitCode(await conductUntilIdle(deps, events, { watchMinutes: watchMinutes ?? deps.config.jobs.conductIntervalMs / 60_000, maxConcurrent }));
        return;
      }
      ctx.setExitCode(await conduct(deps, events, { watchMinutes, maxConcurrent }));
    },
  });
