import { defineCommand } from "citty";
import { json, table, type CliContext } from "../context.ts";
import { isDrift } from "../../../domain/plugins/drift.ts";
import { pluginSync, pluginSyncCheck } from "../../plugins/sync.ts";
import { jsonArg } from "./_shared.ts";
import { announceTo } from "./_plugin.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "sync", description: "Bring every running session's plugins and MCP servers to the desired state; --check only reports (exit 1 on drift)." },
    args: {
      check: { type: "boolean", description: "Report SESSION / ITEM / STATUS / DETAIL and change nothing; exit 1 on any drift" },
      session: { type: "string", description: "Only this session (id or name)" },
      json: jsonArg,
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const only = args.session === undefined ? {} : { only: args.session };
      if (args.check) {
        const rows = await pluginSyncCheck(deps, only);
        if (args.json) deps.stdout(json(rows));
        else if (rows.length === 0) deps.stderr("nothing to check: no plugins added\n");
        else deps.stdout(table(["SESSION", "ITEM", "STATUS", "DETAIL"], rows.map((r) => [r.session, r.item, r.status, r.detail])));
        if (rows.some(isDrift)) ctx.setExitCode(1);
        return;
      }
      const report = await pluginSync(deps, { ...only, announce: announceTo(deps) });
      if (args.json) deps.stdout(json(report.sessions));
      else deps.stdout(table(["SESSION", "CHANGES"], report.sessions.map((s) => [s.session, s.error !== undefined ? `failed: ${s.error}` : s.changes.join(", ") || "up to date"])));
      if (report.sessions.some((s) => s.error !== undefined)) ctx.setExitCode(1);
    },
  });
