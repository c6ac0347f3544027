/**
 * A manifest read from outside (a request, the control plane's answer, `.remote/`),
 * checked in one pass: zod's per-key refinements cost ~0.5 s on a 20,000-path manifest,
 * which alone would blow the 100 ms budget of a one-file push. Same rules as EntrySchema.
 */
import type { Entry, Manifest } from "./entry.ts";
import { pathProblem } from "./workspace-path.ts";

const SHA256 = /^[0-9a-f]{64}$/;

/** Why `entry` is not an Entry, or undefined. */
function entryProblem(entry: unknown): string | undefined {
  if (typeof entry !== "object" || entry === null) return "not an object";
  const e = entry as Record<string, unknown>;
  if (e.type === "link") return typeof e.target === "string" && e.target.length > 0 && e.target.length <= 4096 ? undefined : "a link needs a target (1-4096 characters)";
  if (e.type !== "file") return "type is neither file nor link";
  if (typeof e.sha256 !== "string" || !SHA256.test(e.sha256)) return "sha256 is not lowercase hex of 64 digits";
  if (typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0) return "size is not a whole number >= 0";
  if (e.mode !== 0o644 && e.mode !== 0o755) return "mode is neither 0o644 nor 0o755";
  return undefined;
}

/** The first problem of `value` as a manifest (path: why), or undefined when it is one. */
export function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object of path -> entry";
  for (const [path, entry] of Object.entries(value)) {
    const problem = pathProblem(path) ?? entryProblem(entry);
    if (problem) return `${JSON.stringify(path.slice(0, 200))}: ${problem}`;
  }
  return undefined;
}

export const isManifest = (value: unknown): value is Manifest => manifestProblem(value) === undefined;
export type { Entry };
