/// <reference lib="dom" />
/**
 * The control plane's HTTP API as the page uses it. The token travels only in the
 * Authorization header, never in a URL. Failures come back as ApiError carrying the
 * server's {code, message, hint}; status 0 means the server could not be reached.
 */

export type ApiSession = {
  readonly id: string;
  readonly name: string;
  readonly profile: string;
  readonly state: string;
  readonly exitCode: number | null;
  readonly clients: number;
  readonly createdAt: string;
  readonly cwd: string;
  /** What its agent is doing (issue 13); absent from an older server or before a first signal. */
  readonly agent?: { readonly state: string; readonly since: string; readonly resetAt?: string | null; readonly detail?: string | null } | null;
};

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

type ErrorBody = { code?: unknown; message?: unknown; hint?: unknown };

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

export type Api = {
  readonly listSessions: () => Promise<ApiSession[]>;
  readonly getSession: (id: string) => Promise<ApiSession>;
  /** Starts a session of any profile (shell, claude, codex, ...), detached, at the terminal's size. */
  readonly startSession: (profile: string, size: { readonly cols: number; readonly rows: number }) => Promise<ApiSession>;
};

export function createApi(token: () => string | undefined): Api {
  const call = async <T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: "application/json" };
    const bearer = token();
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: "no-store", credentials: "omit" });
    } catch {
      throw new ApiError(0, "UNREACHABLE", "Cannot reach the control plane", "Is `remote serve` still running?");
    }
    const json = parse(await response.text());
    if (!response.ok) {
      const e = (json ?? {}) as ErrorBody;
      const hint = typeof e.hint === "string" ? e.hint : undefined;
      throw new ApiError(
        response.status,
        typeof e.code === "string" ? e.code : `HTTP_${response.status}`,
        typeof e.message === "string" ? e.message : `The control plane answered ${response.status}`,
        ...(hint === undefined ? [] : [hint]),
      );
    }
    return json as T;
  };
  return {
    listSessions: async () => (await call<{ sessions: ApiSession[] }>("GET", "/sessions")).sessions,
    getSession: (id) => call<ApiSession>("GET", `/sessions/${encodeURIComponent(id)}`),
    startSession: (profile, size) => call<ApiSession>("POST", "/sessions", { profile, cols: size.cols, rows: size.rows }),
  };
}
