/** Workspace shapes at every boundary (HTTP bodies, `.remote/*.json`), parsed with zod. */
import { z } from "zod";
import type { Manifest } from "./entry.ts";
import { manifestProblem } from "./manifest-check.ts";
import { WORKSPACE_ID } from "./link-check.ts";
import { pathProblem } from "./workspace-path.ts";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 in lowercase hex");
export const EntrySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("file"), sha256: Sha256, size: z.number().int().min(0), mode: z.union([z.literal(0o644), z.literal(0o755)]) }),
  z.object({ type: z.literal("link"), target: z.string().min(1).max(4096) }),
]);
export const WorkspacePathSchema = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
/**
 * path -> entry, checked in one pass by manifestProblem (zod's per-key refinements cost
 * ~0.5 s on 20,000 paths); the JSON Schema still documents each entry.
 */
export const ManifestSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = manifestProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((value) => value as Manifest)
  .meta({ description: "Workspace path -> entry", type: "object", additionalProperties: z.toJSONSchema(EntrySchema) });

export const WorkspaceIdSchema = z.string().regex(WORKSPACE_ID, "a workspace id (lowercase letters and digits)");

/** `.remote/workspace.json`: this directory is workspace `workspaceId` on `remote`; `path`/`home` are where it lives here (path parity). */
export const WorkspaceLinkSchema = z.object({
  remote: z.string().min(1),
  workspaceId: WorkspaceIdSchema,
  path: z.string().startsWith("/"),
  home: z.string(),
});
export type WorkspaceLink = z.infer<typeof WorkspaceLinkSchema>;

/**
 * The base: the last state pushed or cleanly pulled, and the remote version it was (kept in
 * the folder's index; this is its shape, and that of `.remote/workspace-base.json`, the first
 * format, carried into the index once). Its entries are only compared, never written from
 * (writes come from the checked remote manifest, deletions from the scanned tree), so only
 * their shape is checked.
 */
export const WorkspaceBaseSchema = z.object({
  workspaceId: WorkspaceIdSchema,
  version: z.number().int().min(0),
  entries: z.custom<Manifest>((value) => typeof value === "object" && value !== null && !Array.isArray(value), "an object of path -> entry"),
});
export type WorkspaceBase = z.infer<typeof WorkspaceBaseSchema>;
