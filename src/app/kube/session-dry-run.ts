import { RemoteError } from "../../domain/errors.ts";
import { renderSessionManifests, type SessionManifests } from "../../domain/kube/session-manifests.ts";
import { defaultSessionName, validateSessionName } from "../../domain/session.ts";
import type { AppDeps } from "../deps.ts";
import { planRun, type RunOptions } from "../sessions/run.ts";

/** --image --namespace --cpu --memory of `remote run --target kubernetes` (absent: config, then defaults). */
export type KubeRunOptions = {
  readonly image?: string | undefined;
  readonly namespace?: string | undefined;
  readonly cpu?: string | undefined;
  readonly memory?: string | undefined;
};

/**
 * The objects `remote run --target kubernetes` would create, for a fresh session id:
 * the person's own HOME and working directory (path parity) and the agent's argv.
 * `credentials` is the bundle to send (HOME-relative path -> bytes); a dry run passes
 * `redact` so no credential value reaches stdout, only the files' places in the Secret.
 */
export function planKubeSession(
  deps: Pick<AppDeps, "env" | "cwd" | "random" | "config">,
  run: RunOptions,
  kube: KubeRunOptions,
  credentials: ReadonlyMap<string, Uint8Array> = new Map(),
  redact = false,
): SessionManifests {
  const plan = planRun(deps, run);
  const home = deps.env.HOME;
  if (home === undefined || home === "") throw new RemoteError("HOME_UNSET", "Cannot mount HOME in a Pod: HOME is not set", "Set HOME to your home directory.", "usage");
  const sessionId = deps.random.id(8);
  return renderSessionManifests({
    sessionId,
    profile: plan.profile,
    name: run.name === undefined ? defaultSessionName(plan.profile, sessionId) : validateSessionName(run.name),
    image: kube.image ?? deps.config.containers.image,
    namespace: kube.namespace ?? deps.config.kube.namespace,
    cpu: kube.cpu,
    memory: kube.memory,
    workspace: plan.cwd,
    home,
    command: plan.command,
    args: plan.args,
    credentials,
    redactCredentials: redact,
  });
}
