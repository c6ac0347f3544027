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
import { manifestProblem } from "../../domain/workspace/manifest-check.ts";
import type { LockJson, ManifestJson, PushJson, WorkspaceJson } from "../server/workspace-schemas.ts";
import { LOCK_HEADER, VERSION_HEADER } from "../server/workspace-headers.ts";

export type WorkspaceInfo = z.infer<typeof WorkspaceJson>;

/**
 * Answers are checked with the server's zod schemas, required on first use; a push's own two
 * answers (the version, the push) are checked by hand: loading zod and building the schemas
 * costs a push ~15 ms of start-up, a third of a one-file push.
 */
const schemas = () => require("../server/workspace-schemas.ts") as typeof import("../server/workspace-schemas.ts");
const mergeSchemas = () => require("../server/merge-schemas.ts") as typeof import("../server/merge-schemas.ts");
type Check<T> = (data: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
const zodCheck =
  <T>(schema: () => z.ZodType<T>): Check<T> =>
  (data) => {
    const parsed = schema().safeParse(data);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: parsed.error.issues[0]?.message ?? "invalid" };
  };
const isVersion = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;
const versionAnswer: Check<number> = (data) => {
  const version = (data as { version?: unknown } | null)?.version;
  return isVersion(version) ? { ok: true, value: version } : { ok: false, problem: "no version" };
};
const pushAnswer: Check<z.infer<typeof PushJson>> = (data) => {
  const answer = data as { workspace?: { version?: unknown }; entries?: unknown } | null;
  if (!isVersion(answer?.workspace?.version)) return { ok: false, problem: "no workspace version" };
  const problem = manifestProblem(answer.entries);
  return problem === undefined ? { ok: true, value: answer as z.infer<typeof PushJson> } : { ok: false, problem };
};

export type WorkspaceClient = {
  readonly url: string;
  readonly create: (input: { readonly name?: string | undefined; readonly path: string; readonly home: string }) => Promise<WorkspaceInfo>;
  readonly list: () => Promise<WorkspaceInfo[]>;
  readonly get: (id: string) => Promise<WorkspaceInfo>;
  /** Only the workspace's version (what a push needs to know). */
  readonly version: (id: string) => Promise<number>;
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

  const call = async <T>(what: string, check: Check<T> | undefined, path: string, init: FetchOptions<"json"> = {}): Promise<T> => {
    let data: unknown;
    try {
      data = await http(path, init);
    } catch (error) {
      throw remoteError(error, url, what);
    }
    if (check === undefined) return undefined as T;
    const checked = check(data);
    if (!checked.ok) throw new RemoteError("REMOTE_BAD_RESPONSE", `Cannot ${what} on ${url}: unexpected answer (${checked.problem})`, "Client and server versions may differ: compare `remote --version` with GET /healthz.", "internal");
    return checked.value;
  };
  const download = async (id: string, paths?: readonly string[]) => {
    const what = `download workspace '${id}'`;
    try {
      const response = await http.raw(at(id, "/archive"), { method: "POST", body: paths === undefined ? {} : { paths }, responseType: "arrayBuffer" });
      return { version: Number(response.headers.get(VERSION_HEADER) ?? "0"), archive: new Uint8Array(response._data as ArrayBuffer) };
    } catch (error) {
      throw remoteError(error, url, what);
    }
  };

  return {
    url,
    create: (input) => call("create a workspace", zodCheck(() => schemas().WorkspaceJson), "/workspaces", { method: "POST", body: input }),
    list: async () => (await call("list workspaces", zodCheck(() => schemas().WorkspaceList), "/workspaces")).workspaces,
    get: (id) => call(`find workspace '${id}'`, zodCheck(() => schemas().WorkspaceJson), at(id)),
    version: (id) => call(`find workspace '${id}'`, versionAnswer, at(id)),
    remove: (id) => call(`remove workspace '${id}'`, undefined, at(id), { method: "DELETE" }),
    lock: (id, request) => call(`lock workspace '${id}'`, zodCheck<z.infer<typeof LockJson>>(() => schemas().LockJson), at(id, "/lock"), { method: "POST", body: request }),
    unlock: (id, holder) => call(`unlock workspace '${id}'`, undefined, at(id, "/lock"), { method: "DELETE", headers: { [LOCK_HEADER]: holder } }),
    manifest: (id) => call(`read the manifest of workspace '${id}'`, zodCheck<z.infer<typeof ManifestJson>>(() => schemas().ManifestJson), at(id, "/manifest")),
    upload: async (id, holder, archive) =>
      (await call(`upload to workspace '${id}'`, zodCheck(() => schemas().UploadJson), at(id, "/archive"), { method: "PUT", body: archive, headers: { [LOCK_HEADER]: holder, "content-type": "application/gzip" } })).entries,
    commit: (id, holder, change) => call(`commit to workspace '${id}'`, zodCheck(() => schemas().WorkspaceJson), at(id, "/manifest"), { method: "POST", body: change, headers: { [LOCK_HEADER]: holder } }),
    push: (id, { holder, ...change }, archive) => {
      const form = new FormData();
      form.set("change", JSON.stringify(change));
      if (archive !== undefined) form.set("archive", new Blob([archive as Uint8Array<ArrayBuffer>], { type: "application/gzip" }));
      return call(`push to workspace '${id}'`, pushAnswer, at(id, "/push"), { method: "POST", body: form, headers: holder === undefined ? {} : { [LOCK_HEADER]: holder } });
    },
    download,
    texts: async (id, sha256s) => (sha256s.length === 0 ? {} : (await call(`read texts of workspace '${id}'`, zodCheck(() => mergeSchemas().TextsJson), at(id, "/texts"), { method: "POST", body: { sha256s } })).texts),
  };
}

/** The server's error as a RemoteError (remote/client.ts, required only when a request failed: it loads zod). */
const remoteError = (error: unknown, url: string, what: string) => (require("../remote/client.ts") as typeof import("../remote/client.ts")).toRemoteError(error, url, what);
