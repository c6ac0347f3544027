import { isRemoteError, RemoteError, type ErrorKind } from "../../domain/errors.ts";

/** The contract's status per error kind; anything unknown is a 500. */
const STATUS: Readonly<Record<ErrorKind, number>> = {
  usage: 400,
  invalid: 400,
  unauthorized: 401,
  "not-found": 404,
  conflict: 409,
  "too-large": 413,
  unavailable: 503,
  "not-implemented": 501,
  corrupt: 500,
  internal: 500,
};

export const statusFor = (error: RemoteError): number => STATUS[error.kind] ?? 500;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: body === undefined ? headers : { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/**
 * Every failure leaves as JSON {code, message, hint?}. Unexpected errors are logged on the
 * server (message only: a stack may name paths but never request values) and leave as a
 * bare 500 that carries no stack.
 */
export function errorResponse(error: unknown, logError: (line: string) => void): Response {
  if (isRemoteError(error)) {
    const headers: Record<string, string> = error.kind === "unauthorized" ? { "www-authenticate": 'Bearer realm="remote"' } : {};
    return jsonResponse(statusFor(error), error.toJSON(), headers);
  }
  logError(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return jsonResponse(500, {
    code: "INTERNAL",
    message: "Cannot complete the request: the server hit an unexpected error",
    hint: "See the server's log (stderr of `remote serve`); this is a bug.",
  });
}

export const notFound = (method: string, path: string) =>
  new RemoteError("NOT_FOUND", `Cannot ${method} ${path}: no such route`, "GET /openapi.json lists every route.", "not-found");

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): Response {
  return jsonResponse(
    405,
    { code: "METHOD_NOT_ALLOWED", message: `Cannot ${method} ${path}: the route allows ${allowed.join(", ")}`, hint: "GET /openapi.json lists every route and its methods." },
    { allow: allowed.join(", ") },
  );
}
