/** Workspace bodies and answers of the control plane (shapes in src/domain/workspace/schemas.ts). */
import { z } from "zod";
import { ManifestSchema, WorkspacePathSchema } from "../../domain/workspace/schemas.ts";

export const WorkspaceJson = z
  .object({
    id: z.string(),
    name: z.string(),
    path: z.string().describe("The absolute path of the folder it was created from: sessions mount it there (path parity)"),
    home: z.string().describe("HOME on that machine: sessions use the same HOME path"),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().int().describe("Bumped by every commit"),
    files: z.number().int(),
    bytes: z.number().int(),
    lock: z.object({ owner: z.string(), expiresAt: z.string() }).optional().describe("Present while a writer holds the lock"),
  })
  .meta({ id: "Workspace" });
export const WorkspaceList = z.object({ workspaces: z.array(WorkspaceJson) }).meta({ id: "WorkspaceList" });

export const CreateWorkspaceBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    path: z.string().startsWith("/").max(4096).describe("The absolute path of the linked folder"),
    home: z.string().max(4096).optional(),
  })
  .meta({ id: "CreateWorkspace" });

export const LockBody = z
  .object({
    holder: z.string().min(16).max(200).describe("A secret lease token of the writer's choosing; every write presents it in x-remote-lock"),
    owner: z.string().max(200).optional().describe("Who holds it, shown to others"),
    ttlMs: z.number().int().min(1000).max(3_600_000).optional(),
  })
  .meta({ id: "LockRequest" });
export const LockJson = z.object({ owner: z.string(), expiresAt: z.string() }).meta({ id: "Lock" });

export const ManifestJson = z.object({ version: z.number().int(), entries: ManifestSchema }).meta({ id: "Manifest" });
export const CommitBody = z
  .object({
    baseVersion: z.number().int().min(0).describe("The version this change was planned against (refused with 409 when it moved)"),
    set: ManifestSchema.optional().describe("Paths added or changed, with their entries"),
    deleted: z.array(WorkspacePathSchema).default([]),
  })
  .meta({ id: "ManifestCommit" });
export const PushChange = CommitBody.extend({ owner: z.string().max(200).optional().describe("Who pushes, shown to others while the push holds the lock") }).meta({ id: "PushChange" });
export const PushJson = z.object({ workspace: WorkspaceJson, entries: ManifestSchema.describe("The entries stored from the archive (sha256 of what arrived)") }).meta({ id: "PushResult" });
export const UploadJson = z.object({ entries: ManifestSchema }).meta({ id: "UploadedEntries" });
export const ExportBody = z.object({ paths: z.array(WorkspacePathSchema).optional().describe("Only these paths (default: all)") }).meta({ id: "ArchiveRequest" });

export { LOCK_HEADER, VERSION_HEADER } from "./workspace-headers.ts";
