import { writeSync } from "node:fs";
import { defineCommand } from "citty";
import type { CliContext } from "../context.ts";
import { runPod } from "../../targets/pod.ts";
import { isRemoteError } from "../../../domain/errors.ts";
import { complaintLines } from "../../../domain/container-start-error.ts";

/** Internal: a session container's entrypoint (one session, hosted by the same code as local ones). */
export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "__pod", description: "(internal) host the one session of a container", hidden: true },
    run: async () => {
      let code: number;
      try {
        code = await runPod(ctx.deps());
      } catch (error) {
        if (!isRemoteError(error)) throw error;
        // The container's last words, with the code: its creator reads them from the log (container-start-error.ts).
        writeSync(2, complaintLines(error));
        code = 1;
      }
      // The container ends with its session (every write of ours is synchronous by then): its exit code is the agent's.
      process.exit(code);
    },
  });
