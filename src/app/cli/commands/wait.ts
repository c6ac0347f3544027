import { defineCommand } from "citty";
import { parseDuration } from "../../../domain/duration.ts";
import { parseUntil, WAIT_EXIT } from "../../../domain/agent-state/wait.ts";
import { AGENT_STATES } from "../../../domain/agent-state/agent-state.ts";
import { waitForState } from "../../agent-state/wait.ts";
import { json, type CliContext } from "../context.ts";
import { jsonArg, refArg } from "./_shared.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: {
      name: "wait",
      description: `Wait until a session's agent is in a state (default: waiting or needs-approval). Exit 0 when reached, ${WAIT_EXIT.timeout} on --timeout, ${WAIT_EXIT.ended} when the session ended first.`,
    },
    args: {
      ref: refArg,
      until: { type: "string", description: `State(s) to wait for, comma-separated: ${AGENT_STATES.join(", ")}` },
      timeout: { type: "string", description: "Give up after this long (30s, 5m, 1h); default: no limit" },
      json: jsonArg,
    },
    run: async ({ args }) => {
      const until = parseUntil(args.until);
      const timeoutMs = args.timeout === undefined ? undefined : parseDuration("--timeout", args.timeout);
      const deps = ctx.deps();
      const result = await waitForState(deps, args.ref, until, timeoutMs);
      if (args.json) deps.stdout(json({ id: result.id, outcome: result.kind, state: result.state }));
      else if (result.kind === "reached") deps.stdout(`${result.state}\n`);
      else deps.stderr(result.kind === "timeout" ? `session ${result.id} is still ${result.state} after ${args.timeout}\n` : `session ${result.id} ended (${result.state}) before reaching ${until.join(" or ")}\n`);
      ctx.setExitCode(WAIT_EXIT[result.kind]);
    },
  });
