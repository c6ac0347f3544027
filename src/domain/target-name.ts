/**
 * Where a session runs: `--target local|docker|kubernetes`. Flags that only mean
 * something on a container or cluster target are refused with `local`, never ignored.
 */
import { closestMatch } from "./closest.ts";
import { RemoteError } from "./errors.ts";

export const TARGET_NAMES = ["local", "docker", "kubernetes"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export function parseTargetName(raw: string | undefined): TargetName {
  if (raw === undefined) return "local";
  if ((TARGET_NAMES as readonly string[]).includes(raw)) return raw as TargetName;
  const close = closestMatch(raw, TARGET_NAMES);
  throw new RemoteError("UNKNOWN_TARGET", `Cannot use --target '${raw}': not a target`, `${close ? `Did you mean --target ${close}? ` : ""}Targets: ${TARGET_NAMES.join(", ")}.`, "usage");
}

/** The flags each target accepts beyond the common ones (a flag given to a target that cannot honour it is an error). */
const TARGET_FLAGS: Readonly<Record<TargetName, readonly string[]>> = {
  local: [],
  docker: ["--image", "--cpu", "--memory"],
  kubernetes: ["--image", "--context", "--namespace", "--cpu", "--memory"],
};

/** `given`: the target-specific flags present on the command line. */
export function checkTargetFlags(target: TargetName, given: readonly string[]): void {
  const refused = given.filter((flag) => !TARGET_FLAGS[target].includes(flag));
  if (refused.length === 0) return;
  const where = TARGET_NAMES.filter((t) => TARGET_FLAGS[t].includes(refused[0] as string));
  throw new RemoteError("FLAG_NEEDS_TARGET", `Cannot use ${refused.join(", ")} with --target ${target}: ${refused.length === 1 ? "it applies" : "they apply"} only to ${where.join(" or ")}`, `Add --target ${where.at(-1)}, or drop ${refused.join(", ")}.`, "usage");
}
