import { defineCommand } from "citty";
import { json, table, type CliContext } from "../context.ts";
import { inspectBundle } from "../../credentials/auth-status.ts";
import { jsonArg } from "./_shared.ts";
import { authArgs } from "./_auth.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "inspect", description: "Exactly what a session of this profile would be sent: paths, modes, sizes, sha256 (never contents)." },
    args: {
      profile: { type: "positional", required: true, description: "claude, codex, gemini, agy, opencode (shell and mistral send nothing)" },
      with: authArgs.with,
      json: jsonArg,
    },
    run: ({ args }) => {
      const deps = ctx.deps();
      const inspection = inspectBundle(deps, args.profile, args.with);
      if (args.json) return deps.stdout(json(inspection));
      deps.stdout(
        table(
          ["PATH", "MODE", "SIZE", "SHA256", "NOTE"],
          inspection.files.map((f) => [`~/${f.path}`, f.mode, String(f.size), f.sha256, [f.configOnly ? "settings: not hashed" : "", f.hooksStripped ? "hooks stripped" : ""].filter(Boolean).join(", ")]),
        ),
      );
      deps.stdout(`bundle sha256 ${inspection.hash} (${inspection.files.length} file${inspection.files.length === 1 ? "" : "s"})\n`);
    },
  });
