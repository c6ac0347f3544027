import { defineCommand } from "citty";
import { parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import { json, table, type CliContext } from "../context.ts";
import { describePass, refreshLocal, refreshRemote, type RefreshRow } from "../../credentials/refresh.ts";
import { requireRemote } from "../../remote/route.ts";
import { watchPasses } from "../../jobs/conduct.ts";
import { jsonArg, numberArg } from "./_shared.ts";
import { authArgs } from "./_auth.ts";
import { remoteArgs } from "./_remote.ts";

/** Fractions allowed (0.5 is every 30 s); at most a week. */
const WATCH_MINUTES: NumericFlag = { kind: "number", above: 0, max: 7 * 24 * 60, unit: "minutes", example: "30" };

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "refresh", description: "Push fresh credential files from your HOME into live sessions that have a HOME of their own (local, docker, kubernetes); unchanged bundles are skipped." },
    args: {
      ref: { type: "positional", required: false, description: "Session id or name (or --all)" },
      all: { type: "boolean", description: "Every live session with a HOME of its own" },
      soft: { type: "boolean", description: "Only write the files, never restart a session (local and docker sessions never are; a kubernetes one is otherwise started again on its volume)" },
      watch: numberArg("Repeat every MIN minutes, one line per pass on stderr, until Ctrl-C (exit 0)", WATCH_MINUTES),
      preflight: authArgs.preflight,
      ...remoteArgs,
      json: jsonArg,
    },
    run: async ({ args }) => {
      const watchMinutes = parseOptionalNumericFlag("--watch", args.watch, WATCH_MINUTES);
      const deps = ctx.deps();
      const options = { ref: args.ref, all: args.all, preflight: args.preflight, soft: args.soft };
      const target = args.remote === undefined ? undefined : requireRemote(deps, args);
      const pass = () => (target === undefined ? refreshLocal(deps, options) : refreshRemote(deps, target, options));
      if (watchMinutes !== undefined) {
        ctx.setExitCode(await watchPasses(deps, { name: "refresh", watchMinutes, pass, describe: (rows: RefreshRow[]) => describePass(deps.clock.now(), rows) }));
        return;
      }
      const rows = await pass();
      if (rows.some((r) => r.outcome === "failed")) ctx.setExitCode(1);
      if (args.json) return deps.stdout(json(rows));
      if (rows.length === 0) return deps.stderr("no live session has a HOME of its own: start one with `remote run <profile> --with-auth`\n");
      deps.stdout(table(["ID", "NAME", "PROFILE", "OUTCOME", "DETAIL"], rows.map((r) => [r.id, r.name, r.profile, r.outcome, r.detail ?? (r.outcome === "updated" ? `${r.files} file${r.files === 1 ? "" : "s"} written${r.restarted ? ", restarted" : ""}` : "")])));
    },
  });
