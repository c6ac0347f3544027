import type { AppDeps } from "../deps.ts";
import { RemoteError } from "../../domain/errors.ts";
import { requireLockHolder, pushChange, commitManifest, createWorkspace, exportArchive, getWorkspace, listWorkspaces, lockWorkspace, removeWorkspace, toWorkspaceJson, unlockWorkspace, uploadArchive, workspaceManifest } from "../workspace/control.ts";
import { readLimitedBody } from "./body.ts";
import { jsonResponse } from "./errors.ts";
import { defineRoute, type Route } from "./route.ts";
import { CommitBody, CreateWorkspaceBody, ExportBody, LOCK_HEADER, LockBody, LockJson, ManifestJson, PushChange, PushJson, UploadJson, VERSION_HEADER, WorkspaceJson, WorkspaceList } from "./workspace-schemas.ts";

const badPush = (problem: string) => new RemoteError("INVALID_BODY", `Cannot read the push: ${problem}`, "Send multipart/form-data with a `change` field (JSON: baseVersion, set, deleted, owner) and an optional `archive` file (a tar, gzip optional).", "invalid");

/** The `change` and `archive` parts of a push's multipart body (already read within its limit). */
async function readPushForm(request: Request, bytes: Uint8Array) {
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw badPush("it is not multipart/form-data");
  }
  const raw = form.get("change");
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : "");
  } catch {
    throw badPush("its `change` field is not JSON");
  }
  const change = PushChange.safeParse(json);
  if (!change.success) throw badPush(`change.${change.error.issues[0]?.path.join(".")}: ${change.error.issues[0]?.message}`);
  const archive = form.get("archive");
  return { change: change.data, archive: archive instanceof Blob ? new Uint8Array(await archive.arrayBuffer()) : undefined };
}

/** /workspaces: records, the push lock, manifests, archives (issue 10). Writes present the lock's holder in x-remote-lock. */
export function workspaceRoutes(app: AppDeps): Route[] {
  const now = () => app.clock.now();
  const workspace = { description: "The workspace", schema: WorkspaceJson };
  const holderOf = (request: Request) => request.headers.get(LOCK_HEADER) ?? "";
  const { maxFiles, maxBytes } = app.config.workspace;
  // A tar holds the files plus a header (and maybe a pax header) per member; JSON ~1 KiB per path at worst.
  const archiveLimit = maxBytes + maxFiles * 2048;
  const manifestLimit = Math.max(app.config.maxBodyBytes, maxFiles * 1024);
  const archive = (version: number, bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { "content-type": "application/gzip", [VERSION_HEADER]: String(version) } });
  const tarAnswer = { description: "A gzip tar of the workspace; x-remote-workspace-version names the version it reflects", contentType: "application/gzip" };

  return [
    defineRoute({
      method: "GET",
      path: "/workspaces",
      operationId: "listWorkspaces",
      summary: "List workspaces",
      responses: { 200: { description: "Every workspace", schema: WorkspaceList } },
      handle: () => jsonResponse(200, { workspaces: listWorkspaces(app).map((w) => toWorkspaceJson(w, now())) }),
    }),
    defineRoute({
      method: "POST",
      path: "/workspaces",
      operationId: "createWorkspace",
      summary: "Create an empty workspace for a folder (its absolute path and HOME are kept for path parity)",
      body: CreateWorkspaceBody,
      responses: { 201: workspace },
      handle: ({ body }) => jsonResponse(201, toWorkspaceJson(createWorkspace(app, body), now())),
    }),
    defineRoute({
      method: "GET",
      path: "/workspaces/:id",
      operationId: "getWorkspace",
      summary: "One workspace",
      responses: { 200: workspace },
      handle: ({ params }) => jsonResponse(200, toWorkspaceJson(getWorkspace(app, params.id as string), now())),
    }),
    defineRoute({
      method: "DELETE",
      path: "/workspaces/:id",
      operationId: "deleteWorkspace",
      summary: "Delete a workspace and the blobs only it used (409 while a writer holds its lock)",
      responses: { 204: { description: "Deleted" } },
      handle: ({ params }) => {
        removeWorkspace(app, params.id as string);
        return new Response(null, { status: 204 });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/workspaces/:id/lock",
      operationId: "lockWorkspace",
      summary: "Take (or renew, same holder) the write lock for ttlMs; 409 while another holder's lock is live",
      body: LockBody,
      responses: { 200: { description: "The lock now held", schema: LockJson } },
      handle: ({ params, body }) => {
        const lock = lockWorkspace(app, params.id as string, body);
        return jsonResponse(200, { owner: lock.owner, expiresAt: lock.expiresAt });
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/workspaces/:id/lock",
      operationId: "unlockWorkspace",
      summary: "Release the lock: only its holder (x-remote-lock) may; anyone else gets 409 and the lock stays",
      responses: { 204: { description: "Released" } },
      handle: ({ params, request }) => {
        unlockWorkspace(app, params.id as string, holderOf(request));
        return new Response(null, { status: 204 });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/workspaces/:id/manifest",
      operationId: "workspaceManifest",
      summary: "Every path with its sha256, mode and size (or link target), and the version",
      responses: { 200: { description: "The manifest", schema: ManifestJson } },
      handle: ({ params }) => jsonResponse(200, workspaceManifest(app, params.id as string)),
    }),
    defineRoute({
      method: "POST",
      path: "/workspaces/:id/manifest",
      operationId: "commitWorkspace",
      summary: "Commit a change (paths set and deleted) planned against baseVersion; needs the lock (x-remote-lock) and every file's content uploaded",
      body: CommitBody,
      bodyLimit: manifestLimit,
      responses: { 200: workspace },
      handle: ({ params, body, request }) => jsonResponse(200, toWorkspaceJson(commitManifest(app, params.id as string, holderOf(request), { baseVersion: body.baseVersion, set: body.set ?? {}, deleted: body.deleted }), now())),
    }),
    defineRoute({
      method: "PUT",
      path: "/workspaces/:id/archive",
      operationId: "uploadWorkspaceArchive",
      summary: "Upload a tar (gzip optional) of files; needs the lock. Checked as untrusted before anything is stored; contents go to the blob store, the manifest is unchanged until a commit",
      rawBody: { contentType: "application/x-tar", description: "A tar or gzip tar: files, folders and symlinks inside the tree only" },
      bodyLimit: archiveLimit,
      responses: { 200: { description: "Each member's entry (sha256 of what was stored)", schema: UploadJson } },
      handle: async ({ params, request }) => {
        const id = params.id as string;
        const holder = holderOf(request);
        // The lock first: a writer without it is refused before its body is read.
        requireLockHolder(app, id, holder, "upload to");
        const bytes = await readLimitedBody(request, archiveLimit);
        return jsonResponse(200, { entries: await uploadArchive(app, id, holder, bytes) });
      },
    }),
    defineRoute({
      method: "POST",
      path: "/workspaces/:id/push",
      operationId: "pushWorkspace",
      summary: "Upload and commit in one request: the files of `archive` are stored (checked as untrusted first), then the change is committed against baseVersion (409 when it moved). Without x-remote-lock the lock is taken and released for this push alone (409 while another writer holds it)",
      rawBody: { contentType: "multipart/form-data", description: "`change`: JSON {baseVersion, set, deleted, owner}; `archive` (optional): a tar or gzip tar of the changed files" },
      bodyLimit: archiveLimit + manifestLimit,
      responses: { 200: { description: "The workspace after the commit, and the entries stored from the archive", schema: PushJson } },
      handle: async ({ params, request }) => {
        const id = params.id as string;
        const holder = holderOf(request);
        // A writer presenting a lock it does not hold is refused before its body is read.
        if (holder !== "") requireLockHolder(app, id, holder, "push to");
        const { change, archive } = await readPushForm(request, await readLimitedBody(request, archiveLimit + manifestLimit));
        const { record, entries } = await pushChange(app, id, { ...change, set: change.set ?? {}, holder: holder === "" ? undefined : holder, archive });
        return jsonResponse(200, { workspace: toWorkspaceJson(record, now()), entries });
      },
    }),
    defineRoute({
      method: "GET",
      path: "/workspaces/:id/archive",
      operationId: "downloadWorkspaceArchive",
      summary: "Download the whole workspace as a gzip tar",
      responses: { 200: tarAnswer },
      handle: ({ params }) => {
        const { version, archive: bytes } = exportArchive(app, params.id as string);
        return archive(version, bytes);
      },
    }),
    defineRoute({
      method: "POST",
      path: "/workspaces/:id/archive",
      operationId: "exportWorkspaceArchive",
      summary: "Download some paths of the workspace as a gzip tar (a pull fetches only what changed)",
      body: ExportBody,
      bodyLimit: manifestLimit,
      responses: { 200: tarAnswer },
      handle: ({ params, body }) => {
        const { version, archive: bytes } = exportArchive(app, params.id as string, body.paths);
        return archive(version, bytes);
      },
    }),
  ];
}
