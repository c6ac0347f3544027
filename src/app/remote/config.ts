/**
 * Client-side settings for the control plane: its URL (`remote = "..."` in
 * REMOTE_HOME/config.toml) and its token (REMOTE_HOME/remote-token, 0600 from the moment
 * it exists). REMOTE_URL / REMOTE_TOKEN override both; `--remote URL` picks a remote for
 * one command.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { normalizeRemoteUrl, setRemoteInConfigText } from "../../domain/remote-target.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";

type Deps = Pick<AppDeps, "env" | "config">;

export type RemoteTarget = { readonly url: string; readonly token: string | undefined };
export type Source = "flag" | "env" | "config" | "file";

export const tokenFileFor = (deps: Pick<AppDeps, "config">) => join(deps.config.paths.home, "remote-token");

/** The default remote: REMOTE_URL, else `remote` in config.toml; undefined when neither is set. */
export function configuredUrl(deps: Deps): { url: string; source: Source } | undefined {
  if (deps.env.REMOTE_URL) return { url: normalizeRemoteUrl(deps.env.REMOTE_URL), source: "env" };
  const file = deps.config.paths.configFile;
  if (!existsSync(file)) return undefined;
  const value = (parseToml(readFileSync(file, "utf8")) as { remote?: unknown }).remote;
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new RemoteError("CONFIG_INVALID", `Cannot use config '${file}': remote must be a string URL`, "Set it again with `remote config set remote URL`.", "corrupt");
  }
  return { url: normalizeRemoteUrl(value), source: "config" };
}

export function remoteToken(deps: Deps): { token: string; source: Source } | undefined {
  if (deps.env.REMOTE_TOKEN) return { token: deps.env.REMOTE_TOKEN.trim(), source: "env" };
  const file = tokenFileFor(deps);
  if (!existsSync(file)) return undefined;
  const token = readFileSync(file, "utf8").trim();
  return token ? { token, source: "file" } : undefined;
}

/** The remote a command should use: the `--remote` flag, else REMOTE_URL, else config.toml; undefined when none. */
export function resolveRemote(deps: Deps, flag?: string): (RemoteTarget & { readonly source: Source }) | undefined {
  const chosen = flag !== undefined && flag !== "" ? { url: normalizeRemoteUrl(flag), source: "flag" as const } : configuredUrl(deps);
  if (!chosen) return undefined;
  return { ...chosen, token: remoteToken(deps)?.token };
}

/** Writes `remote = "URL"` into config.toml, keeping every other key, table and comment. */
export function setRemoteUrl(deps: Deps, raw: string): string {
  const url = normalizeRemoteUrl(raw);
  const file = deps.config.paths.configFile;
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
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

/** Stores the token 0600 from creation: a fresh file opened with that mode, renamed over the old one. */
export function setRemoteToken(deps: Deps, raw: string): string {
  const token = raw.trim();
  if (!token || /\s/.test(token)) {
    throw new RemoteError("INVALID_TOKEN", "Cannot store the token: it is empty or contains whitespace", "Pipe exactly the token, e.g. `ssh host cat ~/.config/remote/token | remote config set token -`.", "usage");
  }
  const file = tokenFileFor(deps);
  writeFileAtomically(file, `${token}\n`);
  return file;
}
