/**
 * Client-side settings for the control plane: its URL (`remote = "..."` in
 * REMOTE_HOME/config.toml, or REMOTE_URL, or `--remote URL` for one command) and the
 * token of each control plane, stored per origin (./tokens.ts). A request carries only
 * the token of its own origin; REMOTE_TOKEN is REMOTE_URL's token and applies with it only.
 */
import { nodeFs, pathExists, readTextIfThere } from "../../shared/quick-fs.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import { listedAsInsecure, originOf, pickToken, requireSafeTransport, type TokenSource } from "../../domain/remote-origin.ts";
import { normalizeRemoteUrl, setRemoteInConfigText } from "../../domain/remote-target.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import { storedTokens, storeToken } from "./tokens.ts";

type Deps = Pick<AppDeps, "env" | "config">;

/** smol-toml, loaded only when there is a config file to read: `ls` and `attach` ask for one every time. */
const parseToml = (text: string): unknown => (require("smol-toml") as typeof import("smol-toml")).parse(text);

export type RemoteTarget = {
  readonly url: string;
  readonly token: string | undefined;
  /** Plain http off loopback was allowed (--insecure or config insecure_remotes). */
  readonly insecure?: boolean | undefined;
};
export type Source = "flag" | "env" | "config";

/** What a command was told about the remote: its `--remote URL` and `--insecure` flags. */
export type RemoteChoice = { readonly remote?: string | undefined; readonly insecure?: boolean | undefined };

/** `remote = "..."` in config.toml, or undefined. */
export function configFileUrl(deps: Deps): string | undefined {
  const file = deps.config.paths.configFile;
  if (!pathExists(file)) return undefined;
  const value = (parseToml(readTextIfThere(file) ?? nodeFs().readFileSync(file, "utf8")) as { remote?: unknown }).remote;
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new RemoteError("CONFIG_INVALID", `Cannot use config '${file}': remote must be a string URL`, "Set it again with `remote config set remote URL`.", "corrupt");
  }
  return normalizeRemoteUrl(value);
}

/** The default remote: REMOTE_URL, else `remote` in config.toml; undefined when neither is set. */
export function configuredUrl(deps: Deps): { url: string; source: Source } | undefined {
  if (deps.env.REMOTE_URL) return { url: normalizeRemoteUrl(deps.env.REMOTE_URL), source: "env" };
  const url = configFileUrl(deps);
  return url === undefined ? undefined : { url, source: "config" };
}

/** The token a request to `url` may carry, and where it comes from; never another origin's. */
export function tokenFor(deps: Deps, url: string): { token: string; source: TokenSource } | undefined {
  return pickToken(url, { url: deps.env.REMOTE_URL, token: deps.env.REMOTE_TOKEN }, storedTokens(deps, configFileUrl(deps)));
}

const asChoice = (choice: RemoteChoice | string | undefined): RemoteChoice => (typeof choice === "string" ? { remote: choice } : (choice ?? {}));

/** The remote to use: `--remote`, else REMOTE_URL, else config.toml; undefined when none. */
function chooseUrl(deps: Deps, choice: RemoteChoice): { url: string; source: Source } | undefined {
  return choice.remote !== undefined && choice.remote !== "" ? { url: normalizeRemoteUrl(choice.remote), source: "flag" } : configuredUrl(deps);
}

/**
 * The remote a command should use, with the token of its origin; undefined when none is
 * given or configured. Plain http off loopback is refused here, before any connection.
 */
export function resolveRemote(deps: Deps, choice?: RemoteChoice | string): (RemoteTarget & { readonly source: Source }) | undefined {
  const asked = asChoice(choice);
  const chosen = chooseUrl(deps, asked);
  if (!chosen) return undefined;
  const insecure = asked.insecure === true || listedAsInsecure(chosen.url, deps.config.controlPlane.insecureRemotes);
  requireSafeTransport(chosen.url, insecure);
  return { ...chosen, token: tokenFor(deps, chosen.url)?.token, insecure };
}

/** Writes `remote = "URL"` into config.toml, keeping every other key, table and comment. */
export function setRemoteUrl(deps: Deps, raw: string): string {
  const url = normalizeRemoteUrl(raw);
  const file = deps.config.paths.configFile;
  const before = nodeFs().existsSync(file) ? nodeFs().readFileSync(file, "utf8") : "";
  const after = setRemoteInConfigText(before, url);
  let check: unknown;
  try {
    check = parseToml(after);
  } catch (error) {
    throw new RemoteError("CONFIG_INVALID", `Cannot update config '${file}': ${errorMessage(error)}`, "Fix the TOML syntax of the file first (or move it aside).", "corrupt");
  }
  if ((check as { remote?: unknown }).remote !== url) {
    throw new RemoteError("CONFIG_INVALID", `Cannot update config '${file}': its existing 'remote' entry is not a one-line string`, "Edit that line by hand, or remove it and run the command again.", "corrupt");
  }
  writeFileAtomically(file, after, 0o666); // not a secret: the umask decides, as for any config file
  return url;
}

/**
 * Stores a token for one control plane: the `--remote` URL, else the configured one. It
 * is kept under that URL's origin and sent nowhere else.
 */
export function setRemoteToken(deps: Deps, raw: string, choice?: RemoteChoice): { file: string; origin: string } {
  const token = raw.trim();
  if (!token || /\s/.test(token)) {
    throw new RemoteError("INVALID_TOKEN", "Cannot store the token: it is empty or contains whitespace", "Pipe exactly the token, e.g. `ssh host cat ~/.config/remote/token | remote config set token -`.", "usage");
  }
  const owner = chooseUrl(deps, choice ?? {});
  if (!owner) {
    throw new RemoteError("NO_REMOTE", "Cannot store the token: no control plane to tie it to", "Name it: `remote config set token - --remote URL`, or first `remote config set remote URL`.", "usage");
  }
  return { file: storeToken(deps, owner.url, token), origin: originOf(owner.url) };
}
