/**
 * The control plane's HTTP API, for scripts and for the CLI's `--remote` commands.
 * Responses are parsed with zod; the server's {code, message, hint} errors come back as
 * RemoteError with the same code. The token travels only in the Authorization header:
 * never in a URL, an error message or a log line.
 */
import { ConversationBundleSchema, type ConversationBundle } from "../../domain/conversation/bundle.ts";
import type { ConversationPolicy } from "../../domain/conversation/restore-rules.ts";
import { FetchError, ofetch, type FetchOptions } from "ofetch";
import { z } from "zod";
import { RemoteError, type ErrorKind } from "../../domain/errors.ts";
import { requireSafeTransport } from "../../domain/remote-origin.ts";
import { attachUrlFor, normalizeRemoteUrl } from "../../domain/remote-target.ts";

/** One session as the control plane lists it (the object `remote ls --json` prints). */
export const RemoteSessionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    profile: z.string(),
    source: z.string(),
    state: z.string(),
    exitCode: z.number().nullable().optional(),
    signal: z.string().nullable().optional(),
    pid: z.number().nullable().optional(),
    cwd: z.string(),
    createdAt: z.string(),
    endedAt: z.string().nullable().optional(),
    clients: z.number(),
    reason: z.string().nullable().optional(),
    /** Absent from a control plane older than issue 13. */
    agent: z.object({ state: z.string(), since: z.string(), resetAt: z.string().nullable().optional(), detail: z.string().nullable().optional() }).nullable().optional(),
  })
  .passthrough();
export type RemoteSession = z.infer<typeof RemoteSessionSchema>;

const SessionListSchema = z.object({ sessions: z.array(RemoteSessionSchema) });
const LogsSchema = z.object({ text: z.string(), offset: z.number().optional() });
const HealthSchema = z.object({ ok: z.boolean(), version: z.string() }).passthrough();
const RefreshSchema = z.object({ updated: z.number(), skipped: z.boolean(), hash: z.string() }).passthrough();
const FolderCommitSchema = z.object({ workspaceId: z.string(), version: z.number(), filesChanged: z.number() });
const ErrorBodySchema = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() });

export type CreateSessionRequest = {
  readonly profile: string;
  readonly target?: "local" | "docker" | "kubernetes";
  readonly image?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly displayName?: string;
  readonly cwd?: string;
  readonly resume?: true | string;
  readonly model?: string;
  readonly effort?: string;
  readonly startupArgs?: readonly string[];
  readonly cols?: number;
  readonly rows?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** HOME-relative path -> file content in base64. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** Only REMOTE_JOB_ID and REMOTE_DELEGATE_DEPTH are accepted by the server. */
  readonly env?: Readonly<Record<string, string>>;
  /** A migrated conversation, restored into the session's HOME before its agent resumes it. */
  readonly conversation?: ConversationBundle;
  readonly conversationPolicy?: ConversationPolicy;
  /** A workspace of the control plane: the session works at its path, materialised there first. */
  readonly workspace?: string;
  /** A retry with the same key answers the session the first request started. */
  readonly idempotencyKey?: string;
};

export type RemoteClientOptions = {
  readonly url: string;
  /** The control plane's bearer token; without one every route but /healthz answers 401. */
  readonly token?: string | undefined;
  /** Per-request timeout (stop waits for the session to exit, so it gets longer). */
  readonly timeoutMs?: number;
  /** Allow plain http to a host that is not loopback (the token would cross the network in clear). @default false */
  readonly insecure?: boolean | undefined;
};

export type RemoteClient = {
  /** The normalized base URL. */
  readonly url: string;
  readonly health: () => Promise<z.infer<typeof HealthSchema>>;
  readonly list: () => Promise<RemoteSession[]>;
  readonly create: (request: CreateSessionRequest) => Promise<RemoteSession>;
  readonly get: (ref: string) => Promise<RemoteSession>;
  readonly rename: (ref: string, displayName: string) => Promise<RemoteSession>;
  readonly stop: (ref: string, reason?: string) => Promise<RemoteSession>;
  readonly send: (ref: string, text: string, enter?: boolean) => Promise<void>;
  readonly logs: (ref: string, lines?: number) => Promise<{ text: string; offset?: number | undefined }>;
  /** Pushes credential files (HOME-relative path -> bytes or base64 text) into a session's private credentials dir. */
  readonly refreshCredentials: (ref: string, credentials: Readonly<Record<string, Uint8Array | string>>) => Promise<z.infer<typeof RefreshSchema>>;
  /** The WebSocket URL of a session's terminal (authenticate with the same token, in a header). */
  readonly attachUrl: (ref: string) => string;
  /** A session's agent conversation (this id, else its latest), read from the session's HOME. */
  readonly conversation: (ref: string, id?: string) => Promise<ConversationBundle>;
  /** Commits what the session changed in its folder to its workspace (before a pull brings it home). */
  readonly commitFolder: (ref: string) => Promise<z.infer<typeof FolderCommitSchema>>;
};

const kindForStatus = (status: number): ErrorKind => {
  if (status === 400) return "usage";
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not-found";
  if (status === 409) return "conflict";
  if (status === 413) return "too-large";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  return "internal";
};

const TOKEN_HINT =
  "Store this control plane's token with `remote config set token - --remote URL` (it reads stdin; the server keeps it in <data>/token); tokens go only to the origin they are stored for, and REMOTE_TOKEN only with REMOTE_URL.";

/**
 * The control plane never redirects. Following one could carry the request (and, for a
 * same-origin hop, the token) somewhere the person never named: refuse it and say where it led.
 */
function refuseRedirect(response: Response, url: string): void {
  if (response.status < 300 || response.status >= 400) return;
  const location = response.headers.get("location") ?? "(no Location)";
  throw new RemoteError("REMOTE_REDIRECT", `Cannot follow the redirect of ${url} (${response.status}) to ${location.split("?")[0]}: a control plane does not redirect`, "If the control plane moved, use its new URL with --remote (and store its token for it).", "unavailable");
}

/** Turns whatever ofetch threw into a RemoteError a person can act on. */
export function toRemoteError(error: unknown, url: string, what: string): RemoteError {
  if (error instanceof RemoteError) return error;
  if (error instanceof FetchError && error.response) {
    const status = error.response.status;
    const body = ErrorBodySchema.safeParse(error.data);
    if (body.success) {
      // On 401 the server knows where its token file is; we know how to store it here: say both.
      const hint = status === 401 ? [TOKEN_HINT, body.data.hint].filter(Boolean).join(" ") : body.data.hint;
      return new RemoteError(body.data.code, body.data.message, hint, kindForStatus(status));
    }
    return new RemoteError(`HTTP_${status}`, `Cannot ${what} on ${url}: the server answered ${status} ${error.response.statusText}`.trim(), status === 401 ? TOKEN_HINT : "Check that the URL points at `remote serve`.", kindForStatus(status));
  }
  const cause = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.cause ?? error) : error;
  const isTimeout = error instanceof Error && (error.name === "TimeoutError" || (error.cause as Error | undefined)?.name === "TimeoutError");
  if (isTimeout) {
    return new RemoteError("REMOTE_TIMEOUT", `Cannot ${what} on ${url}: no answer in time`, "The control plane may be overloaded or the network slow; try again.", "unavailable");
  }
  const reason = typeof cause === "string" ? cause : cause instanceof Error ? cause.message : "no response";
  if (/CERT|SELF_SIGNED|TLS|SSL/.test(reason)) {
    return new RemoteError("REMOTE_TLS", `Cannot reach the control plane at ${url} to ${what}: its certificate is not trusted here (${reason})`, "For a self-signed certificate, trust it with NODE_EXTRA_CA_CERTS=/path/to/cert.pem; otherwise check the URL.", "unavailable");
  }
  return new RemoteError("REMOTE_UNREACHABLE", `Cannot reach the control plane at ${url} to ${what}: ${reason}`, "Is `remote serve` running there? Check the address (`remote config get remote`, REMOTE_URL or --remote).", "unavailable");
}

const toBase64 = (value: Uint8Array | string) => (typeof value === "string" ? value : Buffer.from(value).toString("base64"));

export function createRemoteClient(options: RemoteClientOptions): RemoteClient {
  const url = normalizeRemoteUrl(options.url);
  requireSafeTransport(url, options.insecure === true);
  const timeout = options.timeoutMs ?? 30_000;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const http = ofetch.create({ baseURL: url, headers, retry: 0, timeout, redirect: "manual", onResponse: ({ response }) => refuseRedirect(response, url) });

  const call = async <T>(what: string, schema: z.ZodType<T>, path: string, init: FetchOptions<"json"> = {}): Promise<T> => {
    let data: unknown;
    try {
      data = await http(path, init);
    } catch (error) {
      throw toRemoteError(error, url, what);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RemoteError("REMOTE_BAD_RESPONSE", `Cannot ${what} on ${url}: unexpected answer (${issue?.path.join(".") || "body"}: ${issue?.message})`, "Client and server versions may differ: compare `remote --version` with GET /healthz.", "internal");
    }
    return parsed.data;
  };
  const session = (ref: string) => `/sessions/${encodeURIComponent(ref)}`;

  return {
    url,
    health: () => call("check health", HealthSchema, "/healthz"),
    list: async () => (await call("list sessions", SessionListSchema, "/sessions")).sessions,
    create: (request) => call(`start a ${request.profile} session`, RemoteSessionSchema, "/sessions", { method: "POST", body: request }),
    get: (ref) => call(`find session '${ref}'`, RemoteSessionSchema, session(ref)),
    rename: (ref, displayName) => call(`rename session '${ref}'`, RemoteSessionSchema, session(ref), { method: "PATCH", body: { displayName } }),
    stop: (ref, reason) =>
      call(`stop session '${ref}'`, RemoteSessionSchema, `${session(ref)}/stop`, { method: "POST", body: reason === undefined ? {} : { reason }, timeout: Math.max(timeout, 60_000) }),
    send: async (ref, text, enter = false) => {
      await call(`send to session '${ref}'`, z.unknown(), `${session(ref)}/send`, { method: "POST", body: { text, enter } });
    },
    logs: (ref, lines) => call(`read the logs of session '${ref}'`, LogsSchema, `${session(ref)}/logs`, lines === undefined ? {} : { query: { lines } }),
    refreshCredentials: (ref, credentials) =>
      call(`refresh the credentials of session '${ref}'`, RefreshSchema, `${session(ref)}/credentials`, {
        method: "POST",
        body: { credentials: Object.fromEntries(Object.entries(credentials).map(([path, value]) => [path, toBase64(value)])) },
      }),
    attachUrl: (ref) => attachUrlFor(url, ref),
    commitFolder: (ref) => call(`commit the folder of session '${ref}'`, FolderCommitSchema, `${session(ref)}/workspace`, { method: "POST", timeout: Math.max(timeout, 60_000) }),
    conversation: (ref, id) => call(`read the conversation of session '${ref}'`, ConversationBundleSchema, `${session(ref)}/conversation`, id === undefined ? {} : { query: { id } }),
  };
}
