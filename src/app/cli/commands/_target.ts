/**
 * `remote run --target ...`: the flags, checked before anything starts, and what each
 * target does: `local`, `docker` and `kubernetes` start sessions (containers and Pods:
 * targets/container-sessions.ts, called by run.ts); `--dry-run --target kubernetes` prints the manifests.
 */
import { RemoteError } from "../../../domain/errors.ts";
import { sessionManifestList } from "../../../domain/kube/session-manifests.ts";
import { validateNamespace } from "../../../domain/kube/names.ts";
import { parseCpu, parseMemory } from "../../../domain/kube/quantity.ts";
import { checkTargetFlags, parseTargetName, TARGET_NAMES, type TargetName } from "../../../domain/target-name.ts";
import type { AppDeps } from "../../deps.ts";
import { manifestsText } from "../../kube/manifests-text.ts";
import { planKubeSession, type KubeRunOptions } from "../../kube/session-dry-run.ts";
import type { RunOptions } from "../../sessions/run.ts";

export const targetArgs = {
  target: { type: "string", description: `Where the session runs: ${TARGET_NAMES.join(", ")} (default local)`, valueHint: "target" },
  image: { type: "string", description: "Session image for docker/kubernetes (default: config container_image, else localhost/remote-session:local)" },
  context: { type: "string", description: "kubectl context for --target kubernetes (default: the current one)" },
  namespace: { type: "string", description: "Namespace for --target kubernetes (default: config kube_namespace, else default)" },
  cpu: { type: "string", description: 'CPU for a container target: cores or millicores ("2", "500m")', valueHint: "quantity" },
  memory: { type: "string", description: 'Memory for a container target ("512Mi", "4Gi")', valueHint: "quantity" },
  json: { type: "boolean", description: "With --dry-run --target kubernetes: the manifests as JSON (a v1 List) instead of YAML" },
} as const;

type TargetFlags = { target?: string | undefined; image?: string | undefined; context?: string | undefined; namespace?: string | undefined; cpu?: string | undefined; memory?: string | undefined };

/** The target, after refusing every flag it cannot honour and every malformed value (usage errors, exit 2). */
export function checkedTarget(flags: TargetFlags): { target: TargetName; kube: KubeRunOptions } {
  const target = parseTargetName(flags.target);
  checkTargetFlags(target, (["image", "context", "namespace", "cpu", "memory"] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`));
  const kube = {
    image: flags.image,
    namespace: flags.namespace === undefined ? undefined : validateNamespace(flags.namespace),
    cpu: flags.cpu === undefined ? undefined : parseCpu(flags.cpu),
    memory: flags.memory === undefined ? undefined : parseMemory(flags.memory),
  };
  if (kube.image !== undefined && kube.image.trim() === "") throw new RemoteError("INVALID_FLAG", "Cannot use --image '': it names no image", "Pass e.g. --image localhost/remote-session:local.", "usage");
  return { target, kube };
}

/** `run --dry-run --target kubernetes`: the manifests a run would apply, credentials redacted. */
export function printKubeManifests(deps: AppDeps, kube: KubeRunOptions, run: RunOptions, json: boolean): void {
  deps.stdout(manifestsText(sessionManifestList(planKubeSession(deps, run, kube, new Map(), true)), json));
}
