import { defineCommand } from "citty";
import { parseNumericFlag, parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import type { CliContext } from "../context.ts";
import { conductUntilIdle } from "../../jobs/conduct-until-idle.ts";
import { conduct } from "../../jobs/conduct.ts";
import { createJobEvents } from "../../jobs/events.ts";
import { MAX_CONCURRENT, numberArg } from "./_shared.ts";

/** Fractions allowed (0.1 is every 6 s); at most a week. */
const WATCH_MINUTES: NumericFlag = { kind: "number", above: 0, max: 7 * 24 * 60, unit: "minutes", example: "1" };

export const parseWatchMinutes = (raw: string): number => parseNumericFlag("--watch", raw, WATCH_MINUTES);

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "conduct", description: "Reconcile, resume due throttled jobs, start pending ones FIFO under the cap; one timestamped line per pass on stderr." },
    args: {
      watch: numberArg("Repeat every MIN minutes until Ctrl-C, which exits 0", WATCH_MINUTES),
      "until-idle": {
        type: "boolean",
        description:
          "The automatic conductor: take REMOTE_HOME/conductor.lock (exit 0 at once if another holds it), repeat every --watch MIN (default: config job_conduct_interval_ms), exit 0 once no job is pending, running or throttled",
      },
      "max-concurrent": numberArg("Ceiling of the cap (default: the jobs' own --max-concurrent, config max_concurrent)", MAX_CONCURRENT),
    },
    run: async ({ args }) => {
      const watchMinutes = args.watch === undefined ? undefined : parseWatchMinutes(args.watch);
      const maxConcurrent = parseOptionalNumericFlag("--max-concurrent", args["max-concurrent"], MAX_CONCURRENT);
      const deps = ctx.deps();
      const events = createJobEvents(deps);
      if (args["until-idle"]) {
        ctx.setExitCode(await conductUntilIdle(deps, events, { watchMinutes: watchMinutes ?? deps.config.jobs.conductIntervalMs / 60_000, maxConcurrent }));
        return;
      }
      ctx.setExitCode(await conduct(deps, events, { watchMinutes, maxConcurrent }));
    },
  });
