/**
 * Where a session command goes (this machine or a control plane). Kept apart from the
 * client and the WebSocket attach so local commands never load them.
 */
import { isRemoteError, RemoteError } from "../../domain/errors.ts";
import { splitRemoteRef } from "../../domain/remote-origin.ts";
import { remoteLocation } from "../../domain/remote-target.ts";
import type { AppDeps } from "../deps.ts";
import { findSession } from "../sessions/find.ts";
import { configFileUrl, configuredUrl, resolveRemote, type RemoteChoice, type RemoteTarget } from "./config.ts";
import { storedTokens } from "./tokens.ts";

type ConfigDeps = Pick<AppDeps, "env" | "config">;

/** `--remote URL` was given, or a command that only makes sense remotely: there must be a remote. */
export function requireRemote(deps: ConfigDeps, choice: RemoteChoice | string | undefined): RemoteTarget {
  const target = resolveRemote(deps, choice);
  if (!target) {
    throw new RemoteError("NO_REMOTE", "Cannot reach a control plane: none was given or configured", "Pass --remote URL, set REMOTE_URL, or run `remote config set remote URL`.", "usage");
  }
  return target;
}

/**
 * The remote a `<remote>:<ref>` names: a URL, or the LOCATION (host:port, as `ls` prints
 * it) of a remote we know: the configured one or one we hold a token for.
 */
function namedRemote(deps: ConfigDeps, name: string, insecure: boolean | undefined): RemoteTarget {
  if (name.includes("://")) return requireRemote(deps, { remote: name, insecure });
  const known = [configuredUrl(deps)?.url, ...Object.keys(storedTokens(deps, configFileUrl(deps)))].filter((u): u is string => u !== undefined);
  const url = known.find((u) => remoteLocation(u).toLowerCase() === name.toLowerCase());
  if (url === undefined) {
    throw new RemoteError("UNKNOWN_REMOTE", `Cannot find remote '${name}': it is neither the configured remote nor one with a stored token`, `Give its URL instead, e.g. https://${name}:<id>.`, "usage");
  }
  return requireRemote(deps, { remote: url, insecure });
}

export type Route =
  | { readonly kind: "local"; readonly ref: string }
  | {
      readonly kind: "remote";
      readonly target: RemoteTarget;
      /** The ref as the control plane knows it (without a `<remote>:` prefix). */
      readonly ref: string;
      /** Not found here, so the configured remote was asked (read-only commands only). */
      readonly fellBack?: boolean;
    };

export type RouteOptions = {
  /**
   * A command that only reads (logs) may look an unknown local name up on the configured
   * remote. One that changes things (stop, rename, send, attach) never does: `remote stop
   * typo` must not stop a far session.
   */
  readonly readOnly?: boolean;
};

/**
 * Where a command on session `ref` goes: `--remote URL`, or an explicit `<remote>:<ref>`;
 * otherwise this machine.
 */
export function routeSessionRef(deps: AppDeps, choice: RemoteChoice, ref: string, options: RouteOptions = {}): Route {
  const explicit = splitRemoteRef(ref);
  const flag = choice.remote !== undefined && choice.remote !== "";
  if (explicit && flag) {
    throw new RemoteError("INVALID_REF", `Cannot use session ref '${ref}' with --remote: both name a control plane`, `Drop --remote, or give just the session: '${explicit.ref}'.`, "usage");
  }
  if (explicit) return { kind: "remote", target: namedRemote(deps, explicit.remote, choice.insecure), ref: explicit.ref };
  if (flag) return { kind: "remote", target: requireRemote(deps, choice), ref };
  try {
    findSession(deps, ref);
    return { kind: "local", ref };
  } catch (error) {
    if (!(isRemoteError(error) && error.code === "SESSION_NOT_FOUND")) throw error;
    const configured = configuredUrl(deps);
    if (options.readOnly && configured) return { kind: "remote", target: requireRemote(deps, choice), ref, fellBack: true };
    const example = configured ? `\`--remote ${configured.url}\`, or \`${remoteLocation(configured.url)}:${ref}\`` : "`--remote URL`, or `<remote-url>:" + ref + "`";
    throw new RemoteError(error.code, `Cannot find session '${ref}' on this machine: no local session has that id or name`, `A session on a control plane is never picked by name alone for this command: say where, with ${example}. \`remote ls\` lists both.`, "not-found");
  }
}
