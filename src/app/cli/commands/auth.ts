import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";

/** `remote auth <sub>`: the credential files sessions get. */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "auth", description: "Credential files that follow a session: status, inspect." },
    subCommands: {
      status: () => import("./auth-status.ts").then((m) => m.default(ctx)),
      inspect: () => import("./auth-inspect.ts").then((m) => m.default(ctx)),
    },
  });
