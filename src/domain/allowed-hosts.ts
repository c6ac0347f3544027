/**
 * Which Host (and browser Origin) values the control plane answers. A page on another
 * site can point a name it controls at our address (DNS rebinding) and then talk to us
 * as "same origin": refusing every Host name we were not told about closes that door.
 * The port is not part of it (an ssh -L forward or a container port mapping changes it;
 * a rebinding attacker cannot forge a name). A browser's Origin must be the very address
 * the request came to (the page was served by us) or a name we were told about.
 */
import { isLoopbackHost } from "./remote-origin.ts";

export type HostPolicy = {
  /** Host names accepted on any port, lower-case, IPv6 in brackets. */
  readonly names: readonly string[];
  /** `--allow-host` / allowed_hosts entries: `name` (any port: a TLS proxy in front) or `name:port`. */
  readonly extra: readonly string[];
};

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARDS = new Set(["", "0.0.0.0", "::", "[::]"]);

const bracketed = (host: string) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host).toLowerCase();

/**
 * The policy of a server listening on `listenHost:port`: its own address, the loopback
 * names when it listens there, every address of this machine when it listens on all of
 * them (`interfaceAddresses`), and the names the person allowed.
 */
export function hostPolicy(listenHost: string, allowed: readonly string[], interfaceAddresses: readonly string[]): HostPolicy {
  const own = WILDCARDS.has(listenHost) ? [...LOOPBACK_NAMES, ...interfaceAddresses.map(bracketed)] : isLoopbackHost(listenHost) ? [bracketed(listenHost), ...LOOPBACK_NAMES] : [bracketed(listenHost)];
  return { names: [...new Set(own)], extra: allowed.map((a) => a.trim().toLowerCase()).filter((a) => a !== "") };
}

/** `name[:port]` -> parts, or undefined when it is not a plain host (userinfo, path, junk). */
function splitHost(value: string, defaultPort: string): { readonly name: string; readonly port: string } | undefined {
  if (!/^[A-Za-z0-9._~\-[\]:%]+$/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${value}/`);
  } catch {
    return undefined;
  }
  // URL drops :80 for http; the port we compare with is what the client actually dialled.
  const explicit = /:(\d+)$/.exec(value)?.[1];
  return { name: url.hostname.toLowerCase(), port: explicit === undefined ? defaultPort : String(Number(explicit)) };
}

/** `--allow-host` entries: `name` on any port, `name:port` on that port. */
const allowedByPerson = (policy: HostPolicy, name: string, port: string) =>
  policy.extra.some((entry) => {
    const allowed = splitHost(entry, "");
    return allowed !== undefined && allowed.name === name && (allowed.port === "" || allowed.port === port);
  });

const accepts = (policy: HostPolicy, name: string, port: string) => policy.names.includes(name) || allowedByPerson(policy, name, port);

/** Whether a request's Host header names this server (`tls` decides the port a bare name means). */
export function hostAllowed(policy: HostPolicy, host: string | null, tls: boolean): boolean {
  if (host === null) return false;
  const parts = splitHost(host, tls ? "443" : "80");
  return parts !== undefined && accepts(policy, parts.name, parts.port);
}

/**
 * A browser's Origin must be the address the request came to (`host`, our own page) or a
 * name allowed by the person; no Origin (curl, the CLI) is not a browser and passes.
 */
export function originAllowed(policy: HostPolicy, origin: string | null, host: string | null): boolean {
  if (origin === null) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) included
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const defaultPort = url.protocol === "https:" ? "443" : "80";
  const name = url.hostname.toLowerCase();
  const port = url.port || defaultPort;
  const to = host === null ? undefined : splitHost(host, defaultPort);
  const sameOrigin = to !== undefined && to.name === name && to.port === port;
  return (sameOrigin && accepts(policy, name, port)) || allowedByPerson(policy, name, port);
}

/** For messages: the names a person may use. */
export const describePolicy = (policy: HostPolicy): string => [...policy.names, ...policy.extra].join(", ");
