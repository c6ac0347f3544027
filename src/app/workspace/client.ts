/**
 * The control plane's /workspaces routes, for the CLI and scripts. Errors come back as
 * RemoteError with the server's code (see remote/client.ts); the token travels only in
 * the Authorization header and the lock's holder only in x-remote-lock.
 */
import { ofetch, type FetchOptions } from "ofetch";
import type { z } from "zod";
import { RemoteError } from "../../domain/errors.ts";
import { requireSafeTransport } from "../../domain/remote-origin.ts";
import { normalizeRemoteUrl } from "../../domain/remote-target.ts";
import type { Entry } from "../../domain/workspace/entry.ts";
import { toRemoteError } from "../remote/client.ts";
import { TextsJson } from "../server/merge-schemas.ts";
import { LOCK_HEADER, LockJson, ManifestJson, PushJson, UploadJson, VERSION_HEADER, WorkspaceJson, WorkspaceList } from "../server/workspace-schemas.ts";

export type WorkspaceInfo = z.infer<typeof WorkspaceJson>;

export type WorkspaceClient = {
  readonly url: string;
  readonly create: (input: { readonly name?: string | undefined; readonly path: string; readonly home: string }) => Promise<WorkspaceInfo>;
  readonly list: () => Promise<WorkspaceInfo[]>;
  readonly get: (id: string) => Promise<WorkspaceInfo>;
  readonly remove: (id: string) => Promise<void>;
  readonly lock: (id: string, request: { readonly holder: string; readonly owner: string; readonly ttlMs?: number | undefined }) => Promise<z.infer<typeof LockJson>>;
  readonly unlock: (id: string, holder: string) => Promise<void>;
  readonly manifest: (id: string) => Promise<z.infer<typeof ManifestJson>>;
  readonly upload: (id: string, holder: string, archive: Uint8Array) => Promise<Record<string, Entry>>;
  readonly commit: (id: string, holder: string, change: { readonly baseVersion: number; readonly set: Readonly<Record<string, Entry>>; readonly deleted: readonly string[] }) => Promise<WorkspaceInfo>;
  /**
   * Upload and commit in one request (POST /workspaces/:id/push): the server takes the lock,
   * stores the archive's files, commits the change against `baseVersion`, and releases the
   * lock (with `holder`: a lock the caller already holds, left held). Answers the record and
   * the entries stored from the archive.
   */
  readonly push: (id: string, change: { readonly baseVersion: number; readonly set: Readonly<Record<string, Entry>>; readonly deleted: readonly string[]; readonly owner: string; readonly holder?: string | undefined }, archive?: Uint8Array) => Promise<z.infer<typeof PushJson>>;
  /** Only `paths` (default: everything), with the version the archive reflects. */
  readonly download: (id: string, paths?: readonly string[]) => Promise<{ readonly version: number; readonly archive: Uint8Array }>;
  /** Stored file texts by sha256 (a merge's base versions); binary or unknown ones are absent. */
  readonly texts: (id: string, sha256s: readonly string[]) => Promise<Readonly<Record<string, string>>>;
};

export function createWorkspaceClient(options: { readonly url: string; readonly token?: string | undefined; readonly insecure?: boolean | undefined; readonly timeoutMs?: number }): WorkspaceClient {
  const url = normalizeRemoteUrl(options.url);
  requireSafeTransport(url, options.insecure === true);
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  // Archives of a big tree take a while: a generous timeout, never a retry (a write is not idempotent).
  const http = ofetch.create({ baseURL: url, headers, retry: 0, timeout: options.timeoutMs ?? 10 * 60_000, redirect: "manual" });
  const at = (id: string, rest = "") => `/workspaces/${encodeURIComponent(id)}${rest}`;

  const call = async <T>(what: string, schema: z.ZodType<T> | undefined, path: string, init: FetchOptions<"json"> = {}): Promise<T> => {
    let data: unknown;
    try {
      data = await http(path, init);
    } catch (error) {
      throw toRemoteError(error, url, what);
    }
    if (schema === undefined) return undefined as T;
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new RemoteError("REMOTE_BAD_RESPONSE", `Cannot ${what} on ${url}: unexpected answer (${parsed.error.issues[0]?.message})`, "Client and server versions may differ: compare `remote --version` with GET /healthz.", "internal");
    return parsed.data;
  };
  const download = async (id: string, paths?: readonly string[]) => {
    const what = `download workspace '${id}'`;
    try {
      const response = await http.raw(at(id, "/archive"), { method: "POST", body: paths === undefined ? {} : { paths }, responseType: "arrayBuffer" });
      return { version: Number(response.headers.get(VERSION_HEADER) ?? "0"), archive: new Uint8Array(response._data as ArrayBuffer) };
    } catch (error) {
      throw toRemoteError(error, url, what);
    }
  };

  return {
    url,
    create: (input) => call("create a workspace", WorkspaceJson, "/workspaces", { method: "POST", body: input }),
    list: async () => (await call("list workspaces", WorkspaceList, "/workspaces")).workspaces,
    get: (id) => call(`find workspace '${id}'`, WorkspaceJson, at(id)),
    remove: (id) => call(`remove workspace '${id}'`, undefined, at(id), { method: "DELETE" }),
    lock: (id, request) => call(`lock workspace '${id}'`, LockJson, at(id, "/lock"), { method: "POST", body: request }),
    unlock: (id, holder) => call(`unlock workspace '${id}'`, undefined, at(id, "/lock"), { method: "DELETE", headers: { [LOCK_HEADER]: holder } }),
    manifest: (id) => call(`read the manifest of workspace '${id}'`, ManifestJson, at(id, "/manifest")),
    upload: async (id, holder, archive) =>
      (await call(`upload to workspace '${id}'`, UploadJson, at(id, "/archive"), { method: "PUT", body: archive, headers: { [LOCK_HEADER]: holder, "content-type": "application/gzip" } })).entries,
    commit: (id, holder, change) => call(`commit to workspace '${id}'`, WorkspaceJson, at(id, "/manifest"), { method: "POST", body: change, headers: { [LOCK_HEADER]: holder } }),
    push: (id, { holder, ...change }, archive) => {
      const form = new FormData();
      form.set("change", JSON.stringify(change));
      if (archive !== undefined) form.set("archive", new Blob([archive as Uint8Array<ArrayBuffer>], { type: "application/gzip" }));
      return call(`push to workspace '${id}'`, PushJson, at(id, "/push"), { method: "POST", body: form, headers: holder === undefined ? {} : { [LOCK_HEADER]: holder } });
    },
    download,
    texts: async (id, sha256s) => (sha256s.length === 0 ? {} : (await call(`read texts of workspace '${id}'`, TextsJson, at(id, "/texts"), { method: "POST", body: { sha256s } })).texts),
  };
}
