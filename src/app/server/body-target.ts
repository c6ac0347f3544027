/**
 * POST /sessions' `target` and the fields only a container target honours: checked before
 * anything starts. A field the target cannot honour is refused (400), never parsed and ignored.
 */
import { RemoteError } from "../../domain/errors.ts";
import { validateNamespace } from "../../domain/kube/names.ts";
import { parseCpu, parseMemory } from "../../domain/kube/quantity.ts";
import { TARGET_NAMES } from "../../domain/target-name.ts";
import type { TargetName } from "../../domain/target-name.ts";
import type { z } from "zod";
import type { CreateSessionBody } from "./schemas.ts";

type Body = z.infer<typeof CreateSessionBody>;

/** Body fields each target accepts beyond the common ones. */
const TARGET_FIELDS: Readonly<Record<TargetName, readonly (keyof Body)[]>> = {
  local: ["credentials", "env"],
  // A container or Pod gets the credential bundle in its HOME (a Pod's Secret; pushed in through exec), no job env.
  docker: ["image", "cpu", "memory", "credentials"],
  kubernetes: ["image", "cpu", "memory", "context", "namespace", "credentials"],
};
const SPECIFIC: readonly (keyof Body)[] = ["image", "cpu", "memory", "context", "namespace", "credentials", "env"];

type Limits = { readonly image?: string | undefined; readonly cpu?: string | undefined; readonly memory?: string | undefined };
export type BodyTarget =
  | { readonly target: "local" }
  | ({ readonly target: "docker" } & Limits)
  | ({ readonly target: "kubernetes"; readonly context?: string | undefined; readonly namespace?: string | undefined } & Limits);

export function bodyTarget(body: Body, defaultTarget: TargetName): BodyTarget {
  const target = body.target ?? defaultTarget;
  const refused = SPECIFIC.filter((field) => body[field] !== undefined && !TARGET_FIELDS[target].includes(field));
  if (refused.length > 0) {
    const where = TARGET_NAMES.filter((t) => TARGET_FIELDS[t].includes(refused[0] as keyof Body));
    throw new RemoteError("FIELD_NEEDS_TARGET", `Cannot use ${refused.join(", ")} with target '${target}': ${refused.length === 1 ? "it applies" : "they apply"} only to ${where.join(" or ")}`, `Set "target": "${where[0]}", or drop ${refused.join(", ")}.`, "usage");
  }
  if (target === "local") return { target };
  const limits = { image: body.image, cpu: body.cpu === undefined ? undefined : parseCpu(body.cpu), memory: body.memory === undefined ? undefined : parseMemory(body.memory) };
  if (target === "docker") return { target, ...limits };
  return { target, ...limits, context: body.context, namespace: body.namespace === undefined ? undefined : validateNamespace(body.namespace) };
}
