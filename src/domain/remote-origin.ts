/**
 * Which control plane a token belongs to, and when plain http is acceptable. A token is
 * tied to the origin (scheme://host:port) that issued it and goes nowhere else; plain
 * http only stays on this machine (loopback) unless the person says the network is
 * trusted. Both rules are checked before any connection is made.
 */
import { RemoteError } from "./errors.ts";

const DEFAULT_PORT: Readonly<Record<string, string>> = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443" };

/** `scheme://host:port` with the port always written: the key a token is stored under. */
export function originOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || DEFAULT_PORT[parsed.protocol] || ""}`;
}

/** 127.0.0.0/8, ::1 and localhost: names that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (host === "localhost" || host === "::1") return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets[1] === "127" && octets.slice(2).every((o) => Number(o) <= 255);
}

/**
 * Plain http to another machine would carry the token in clear text: refused unless
 * `insecure` (the `--insecure` flag, or the origin listed in config `insecure_remotes`).
 */
export function requireSafeTransport(url: string, insecure: boolean): void {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" || insecure || isLoopbackHost(parsed.hostname)) return;
  const origin = originOf(url);
  throw new RemoteError(
    "INSECURE_REMOTE",
    `Cannot talk to control plane '${origin}' over plain http: it is not a loopback address, so the token would cross the network in clear text`,
    `Use https:// (\`remote serve --tls-cert F --tls-key K\`), or if the network is trusted pass --insecure (for good: insecure_remotes = ["${origin}"] in config.toml).`,
    "usage",
  );
}

/**
 * An explicit remote ref, `<remote>:<session>`: `<remote>` is a URL or a remote's
 * LOCATION as `ls` prints it (host:port). Session ids and names never hold ':', so the
 * last ':' splits; a ref without one is a plain (local) ref and gives undefined.
 */
export function splitRemoteRef(ref: string): { readonly remote: string; readonly ref: string } | undefined {
  const at = ref.lastIndexOf(":");
  if (at < 0) return undefined;
  const remote = ref.slice(0, at);
  const session = ref.slice(at + 1);
  if (remote === "" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(session)) {
    throw new RemoteError("INVALID_REF", `Cannot use session ref '${ref}': expected <remote>:<id-or-name>`, "e.g. `remote stop 127.0.0.1:7070:a1b2c3d4` (the LOCATION and ID columns of `remote ls`) or `remote stop https://cp.example:far`.", "usage");
  }
  return { remote, ref: session };
}

export type TokenSource = "env" | "stored";

/**
 * The token a request to `url` may carry: REMOTE_TOKEN belongs to REMOTE_URL's origin and
 * to nothing else (alone, it applies nowhere); otherwise the token stored for that origin.
 */
export function pickToken(
  url: string,
  env: { readonly url?: string | undefined; readonly token?: string | undefined },
  stored: Readonly<Record<string, string>>,
): { readonly token: string; readonly source: TokenSource } | undefined {
  const origin = originOf(url);
  const envToken = env.token?.trim();
  if (env.url && envToken && sameOrigin(env.url, origin)) return { token: envToken, source: "env" };
  const token = stored[origin];
  return token === undefined ? undefined : { token, source: "stored" };
}

/** Whether `url` has that origin; a value that is not a URL has none. */
function sameOrigin(url: string, origin: string): boolean {
  try {
    return originOf(url) === origin;
  } catch {
    return false;
  }
}

/** Whether config's `insecure_remotes` lists the origin of `url` (entries that are not URLs match nothing). */
export function listedAsInsecure(url: string, insecureRemotes: readonly string[]): boolean {
  const origin = originOf(url);
  return insecureRemotes.some((entry) => sameOrigin(entry, origin));
}

/** Hosts that listen on every address: reachable from the network like any other non-loopback one. */
const isWildcard = (host: string) => ["", "0.0.0.0", "::", "[::]"].includes(host);

/**
 * `remote serve` off loopback speaks TLS, or the person said the network is trusted: a
 * token sent in clear text over a network is as good as published.
 */
export function requireSafeListen(host: string, tls: boolean, insecure: boolean): void {
  if (tls || insecure || (!isWildcard(host) && isLoopbackHost(host))) return;
  throw new RemoteError(
    "TLS_REQUIRED",
    `Cannot listen on '${host}' over plain http: it is reachable from other machines, and every request carries the token`,
    "Give a certificate (--tls-cert cert.pem --tls-key key.pem), listen on 127.0.0.1 behind a TLS proxy, or pass --insecure if the network is trusted.",
    "usage",
  );
}
