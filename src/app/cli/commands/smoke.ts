import { defineCommand } from "citty";
import { isRemoteError, RemoteError } from "../../../domain/errors.ts";
import { parseTargetName } from "../../../domain/target-name.ts";
import { parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import type { CliContext } from "../context.ts";
import { resolveRemote } from "../../remote/config.ts";
import { checkedTarget } from "./_target.ts";
import { smokeRemote } from "../../remote/sessions.ts";
import { remoteArgs } from "./_remote.ts";
import { numberArg } from "./_shared.ts";
import { kubernetesPlacement } from "../../../domain/target.ts";

const TIMEOUT_SECONDS: NumericFlag = { kind: "number", above: 0, max: 3600, unit: "seconds", example: "30" };

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "smoke", description: "Check a target end to end, here or through a control plane (--remote, REMOTE_URL or config): start a session, wait for its terminal, stop it (exit 1 on any failure)." },
    args: {
      profile: { type: "positional", required: true, description: "The profile to start, e.g. shell or claude" },
      ...remoteArgs,
      target: { type: "string", description: "Where to start it: local, docker or kubernetes (through a control plane, default: its config default_target; here: local)", valueHint: "target" },
      image: { type: "string", description: "Session image for docker/kubernetes (default: config container_image)" },
      context: { type: "string", description: "kubectl context for --target kubernetes (default: the current one)" },
      namespace: { type: "string", description: "Namespace for --target kubernetes (default: config kube_namespace)" },
      timeout: numberArg("Seconds to wait for the terminal (default 30)", TIMEOUT_SECONDS),
    },
    run: async ({ args }) => {
      const seconds = parseOptionalNumericFlag("--timeout", args.timeout, TIMEOUT_SECONDS) ?? 30;
      // A typo in --target is a usage error (exit 2), checked before anything is reached.
      const smokeTarget = args.target === undefined ? undefined : parseTargetName(args.target);
      const { kube } = checkedTarget({ target: smokeTarget, image: args.image, context: args.context, namespace: args.namespace });
      const deps = ctx.deps();
      // A control plane when one is given or configured; else this CLI's own path, no control plane needed.
      const remote = resolveRemote(deps, args);
      if (remote !== undefined && (kube.image !== undefined || args.context !== undefined || kube.namespace !== undefined)) {
        throw new RemoteError("FLAG_NEEDS_TARGET", "Cannot use --image, --context or --namespace with a control plane: it starts sessions with its own config", "Drop them, or smoke-test here without --remote.", "usage");
      }
      try {
        if (remote === undefined) {
          const here = smokeTarget ?? "local";
          const kubernetes = kubernetesPlacement({ target: here, context: args.context, namespace: kube.namespace }, deps.config.kube.namespace);
          const { smokeHere } = await import("../../targets/smoke-here.ts");
          const result = await smokeHere(deps, args.profile, { target: here, timeoutMs: seconds * 1000, image: kube.image, kubernetes });
          deps.stdout(`smoke ok: ${args.profile} session ${result.session.id} on this machine (target ${here}): terminal open after ${result.openedAfterMs} ms, stopped and removed\n`);
          return;
        }
        const result = await smokeRemote(deps, remote, args.profile, { timeoutMs: seconds * 1000, target: smokeTarget });
        deps.stdout(`smoke ok: ${args.profile} session ${result.session.id} on ${result.location}${smokeTarget === undefined ? "" : ` (target ${smokeTarget})`}: terminal open after ${result.openedAfterMs} ms, stopped\n`);
      } catch (error) {
        // A smoke check fails with 1 whatever went wrong (a refused profile is a failed check, not a typo in our flags).
        if (!isRemoteError(error)) throw error;
        deps.stderr(`remote: smoke failed: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
        ctx.setExitCode(1);
      }
    },
  });
