import { createHash, timingSafeEqual } from "node:crypto";
import { RemoteError } from "../../domain/errors.ts";

/** The subprotocol a browser offers next to `bearer.<token>`, and that the server answers with. */
export const WS_PROTOCOL = "remote.v1";
const BEARER_PROTOCOL = "bearer.";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Constant-time token check: both sides are hashed first, so the comparison always runs
 * over 32 bytes whatever the presented length, and `timingSafeEqual` does not stop at the
 * first differing byte. A missing token takes the very same path as a wrong one.
 */
export function createTokenCheck(token: string): (presented: string | undefined) => boolean {
  const expected = digest(token);
  return (presented) => timingSafeEqual(digest(presented ?? ""), expected) && presented !== undefined;
}

/** The offered WebSocket subprotocols, in order. */
export const offeredProtocols = (request: Request): string[] =>
  (request.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");

const isUpgrade = (request: Request) => request.headers.get("upgrade")?.toLowerCase() === "websocket";

/** `Authorization: Bearer <t>`, or for a browser's WebSocket (which cannot set headers) `bearer.<t>` among the subprotocols. */
export function presentedToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header === null ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  if (isUpgrade(request)) {
    const offered = offeredProtocols(request).find((p) => p.startsWith(BEARER_PROTOCOL));
    if (offered !== undefined) return offered.slice(BEARER_PROTOCOL.length);
  }
  return undefined;
}

const QUERY_TOKEN_KEYS = ["token", "access_token"];

/**
 * URLs end up in proxy logs, shell history and browser history: a token there is refused
 * even when it is right, so nobody gets used to putting it there.
 */
export function refuseQueryToken(url: URL): void {
  if (QUERY_TOKEN_KEYS.some((key) => url.searchParams.has(key))) {
    throw new RemoteError(
      "TOKEN_IN_QUERY",
      "Cannot accept a token in the URL query: URLs are logged and kept in histories",
      "Send it as the header `Authorization: Bearer <token>` (browsers: WebSocket subprotocol `bearer.<token>`), and rotate it if it was shared.",
      "unauthorized",
    );
  }
}

export function requireToken(check: (presented: string | undefined) => boolean, request: Request, tokenFile: string): void {
  if (!check(presentedToken(request))) {
    throw new RemoteError(
      "UNAUTHORIZED",
      "Cannot authorize the request: the bearer token is missing or wrong",
      `Send \`Authorization: Bearer <token>\`; the token is in ${tokenFile} on the server.`,
      "unauthorized",
    );
  }
}
