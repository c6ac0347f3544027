import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { runPod } from "../../targets/pod.ts";

/** Internal: a session container's entrypoint (one session, hosted by the same code as local ones). */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__pod", description: "(internal) host the one session of a container", hidden: true },
    run: async () => {
      // The container ends with its session (every write of ours is synchronous by then): its exit code is the agent's.
      process.exit(await runPod(ctx.deps()));
    },
  });
