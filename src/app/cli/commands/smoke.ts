import { defineCommand } from "citty";
import { isRemoteError, RemoteError } from "../../../domain/errors.ts";
import { parseTargetName } from "../../../domain/target-name.ts";
import { parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import type { CliContext } from "../context.ts";
import { requireRemote } from "../../remote/route.ts";
import { smokeRemote } from "../../remote/sessions.ts";
import { remoteArgs } from "./_remote.ts";
import { numberArg } from "./_shared.ts";

const TIMEOUT_SECONDS: NumericFlag = { kind: "number", above: 0, max: 3600, unit: "seconds", example: "30" };

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "smoke", description: "Check a control plane end to end, on a target: start a session, wait for its terminal, stop it (exit 1 on any failure)." },
    args: {
      profile: { type: "positional", required: true, description: "The profile to start, e.g. shell or claude" },
      ...remoteArgs,
      target: { type: "string", description: "Where the control plane starts it: local or docker (default: its config default_target)", valueHint: "target" },
      timeout: numberArg("Seconds to wait for the terminal (default 30)", TIMEOUT_SECONDS),
    },
    run: async ({ args }) => {
      const seconds = parseOptionalNumericFlag("--timeout", args.timeout, TIMEOUT_SECONDS) ?? 30;
      // A typo in --target is a usage error (exit 2), checked before anything is reached.
      const smokeTarget = args.target === undefined ? undefined : parseTargetName(args.target);
      if (smokeTarget === "kubernetes") throw new RemoteError("NOT_IMPLEMENTED", "Cannot smoke-test target 'kubernetes': it is not built yet", "Use --target docker or local.", "usage");
      const deps = ctx.deps();
      try {
        const target = requireRemote(deps, args);
        const result = await smokeRemote(deps, target, args.profile, { timeoutMs: seconds * 1000, target: smokeTarget });
        deps.stdout(`smoke ok: ${args.profile} session ${result.session.id} on ${result.location}${smokeTarget === undefined ? "" : ` (target ${smokeTarget})`}: terminal open after ${result.openedAfterMs} ms, stopped\n`);
      } catch (error) {
        // A smoke check fails with 1 whatever went wrong (a refused profile is a failed check, not a typo in our flags).
        if (!isRemoteError(error)) throw error;
        deps.stderr(`remote: smoke failed: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
        ctx.setExitCode(1);
      }
    },
  });
