import { defineCommand } from "citty";
import { json, type CliContext } from "../context.ts";
import { receiveCredentials } from "../../targets/pod-credentials.ts";

/** Internal: run through a session container's exec; the bundle arrives on stdin (never in args or env). */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__credentials", description: "(internal) write a credential bundle read from stdin into this container's HOME", hidden: true },
    run: async () => {
      const input = new Uint8Array(await new Response(Bun.stdin.stream()).arrayBuffer());
      ctx.deps().stdout(json(receiveCredentials(ctx.deps(), input)));
    },
  });
