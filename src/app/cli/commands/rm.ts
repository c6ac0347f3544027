import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { removeSession } from "../../sessions/remove.ts";
import { jsonArg, refArg } from "./_shared.ts";
import { containerVolumeFor } from "../../../domain/target.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "rm", description: "Forget an ended session (its record and saved output); --volumes also deletes its container volume or Pod claim (stop keeps them)." },
    args: { ref: refArg, volumes: { type: "boolean", description: "Also delete the workspace + HOME volume (docker: the named volume; kubernetes: the PersistentVolumeClaim)" }, json: jsonArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const s = await removeSession(deps, args.ref, { volumes: args.volumes === true });
      if (args.json) return deps.stdout(json({ id: s.id, name: s.name, target: s.target?.kind ?? "local", volumesRemoved: s.volumesRemoved }));
      deps.stderr(`removed ${s.name} (${s.id})${s.target === undefined ? "" : s.volumesRemoved ? " and its volume" : ` (its volume ${containerVolumeFor(s.id)} stays)`}\n`);
    },
  });
