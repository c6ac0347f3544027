import { defineCommand } from "citty";
import { json, table, type CliContext } from "../context.ts";
import { authStatus } from "../../credentials/auth-status.ts";
import { jsonArg } from "./_shared.ts";
import { authArgs } from "./_auth.ts";

const short = (hash: string | undefined) => (hash === undefined ? "-" : hash.slice(0, 12));

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "status", description: "Which credential files were found or are missing, their sizes and hashes, and whether each CLI says it is logged in." },
    args: {
      profile: { type: "positional", required: false, description: "One profile (default: every profile with credential files)" },
      with: authArgs.with,
      preflight: authArgs.preflight,
      json: jsonArg,
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const statuses = await authStatus(deps, { profile: args.profile, with: args.with, preflight: args.preflight });
      if (args.json) return deps.stdout(json(statuses));
      const rows = statuses.flatMap((s) =>
        s.files.map((f) => [s.profile, `~/${f.path}`, f.found ? "found" : f.required ? "MISSING (required)" : "missing", f.size === undefined ? "-" : String(f.size), short(f.sha256), f.source]),
      );
      deps.stdout(table(["PROFILE", "FILE", "STATE", "SIZE", "SHA256", "READ FROM"], rows));
      for (const s of statuses) {
        if (s.freshness) deps.stdout(`${s.profile}: login ${s.freshness.state}${s.freshness.state === "fresh" ? "" : ` (${s.freshness.detail})`}\n`);
      }
    },
  });
