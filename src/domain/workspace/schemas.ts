/** Workspace shapes at every boundary (HTTP bodies, `.remote/*.json`), parsed with zod. */
import { z } from "zod";
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
export const ManifestSchema = z.record(WorkspacePathSchema, EntrySchema);

export const WorkspaceIdSchema = z.string().regex(/^[a-z0-9]{4,32}$/, "a workspace id (lowercase letters and digits)");

/** `.remote/workspace.json`: this directory is workspace `workspaceId` on `remote`; `path`/`home` are where it lives here (path parity). */
export const WorkspaceLinkSchema = z.object({
  remote: z.string().min(1),
  workspaceId: WorkspaceIdSchema,
  path: z.string().startsWith("/"),
  home: z.string(),
});
export type WorkspaceLink = z.infer<typeof WorkspaceLinkSchema>;

/** `.remote/workspace-base.json`: the last state pushed or cleanly pulled, and the remote version it was. */
export const WorkspaceBaseSchema = z.object({ workspaceId: WorkspaceIdSchema, version: z.number().int().min(0), entries: ManifestSchema });
export type WorkspaceBase = z.infer<typeof WorkspaceBaseSchema>;
