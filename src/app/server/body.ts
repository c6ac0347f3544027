import type { z } from "zod";
import { RemoteError } from "../../domain/errors.ts";

const tooLarge = (limit: number) =>
  new RemoteError("BODY_TOO_LARGE", `Cannot accept the request body: it is larger than ${limit} bytes`, "Send less, or raise the limit with `remote serve --max-body BYTES` (config: max_body_bytes).", "too-large");

/**
 * Reads the body, stopping as soon as it passes `limit`: Content-Length is only an early
 * refusal, never trusted (chunked bodies have none, and a client can lie).
 */
export async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      void reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Names the fields that failed (never their values: a body may carry credentials). */
export function invalidInput(error: z.ZodError, what = "request body", code = "INVALID_BODY"): RemoteError {
  const fields = error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issue.message}`);
  return new RemoteError(code, `Cannot use the ${what}: ${fields.join("; ")}`, "GET /openapi.json describes every route's input.", "invalid");
}

/** JSON body -> zod-validated value. An empty body reads as `{}` so all-optional bodies may be omitted. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, limit: number, schema: S): Promise<z.output<S>> {
  const text = new TextDecoder().decode(await readLimitedBody(request, limit));
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      // The parser's message quotes the body; it is not repeated (it may hold a secret).
      throw new RemoteError("INVALID_JSON", "Cannot parse the request body: it is not valid JSON", "Send a JSON object (Content-Type: application/json).", "invalid");
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw invalidInput(parsed.error, "query string", "INVALID_QUERY");
  return parsed.data;
}
