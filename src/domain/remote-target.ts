/**
 * Which control plane a client command talks to, and how its address is kept:
 * parse and normalize a remote URL, label it for `ls`, and set the `remote` key in
 * config.toml text without disturbing the rest of the file.
 */
import { RemoteError } from "./errors.ts";

/** A control plane URL as we store and use it: http(s), no credentials, no query, no trailing slash. */
export function normalizeRemoteUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new RemoteError("INVALID_REMOTE_URL", `Cannot use remote '${raw}': it is not a URL`, "Give the control plane's address, e.g. http://127.0.0.1:7070 (as printed by `remote serve`).", "usage");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RemoteError("INVALID_REMOTE_URL", `Cannot use remote '${url.protocol}//${url.host}': only http:// and https:// are supported`, "Use the URL `remote serve` printed, e.g. http://127.0.0.1:7070.", "usage");
  }
  // A secret in a URL ends up in shell history, logs and `ps`: the token goes in a 0600 file instead.
  if (url.username || url.password || url.search) {
    throw new RemoteError("INVALID_REMOTE_URL", `Cannot use remote '${url.protocol}//${url.host}${url.pathname}': it carries credentials or a query`, "Drop them from the URL; store the token with `remote config set token -` (reads stdin) or set REMOTE_TOKEN.", "usage");
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** `ls`'s LOCATION for a remote: its host (and port), which is what a person recognizes. */
export const remoteLocation = (url: string): string => new URL(url).host;

/** The WebSocket URL of a session's terminal on a control plane. */
export function attachUrlFor(baseUrl: string, ref: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/sessions/${encodeURIComponent(ref)}/attach`;
  return url.toString();
}

const TOP_LEVEL_KEY = /^\s*remote\s*=/;
const TABLE_HEADER = /^\s*\[/;

/**
 * config.toml with its top-level `remote` key set to `url`, everything else (keys,
 * tables, comments) left as it was. The key must sit before the first table header to
 * stay top-level, so an existing line there is replaced, else the line is added first.
 */
export function setRemoteInConfigText(text: string, url: string): string {
  const line = `remote = ${JSON.stringify(url)}`;
  const lines = text.length === 0 ? [] : text.split("\n");
  const firstTable = lines.findIndex((l) => TABLE_HEADER.test(l));
  const topLevelEnd = firstTable < 0 ? lines.length : firstTable;
  const existing = lines.slice(0, topLevelEnd).findIndex((l) => TOP_LEVEL_KEY.test(l));
  if (existing >= 0) lines[existing] = line;
  else lines.unshift(line);
  const out = lines.join("\n");
  return out.endsWith("\n") ? out : `${out}\n`;
}
