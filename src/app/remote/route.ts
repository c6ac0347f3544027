/**
 * Where a session command goes (this machine or a control plane). Kept apart from the
 * client and the WebSocket attach so local commands never load them.
 */
import { isRemoteError, RemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { findSession, type SessionListing } from "../sessions/find.ts";
import { resolveRemote, type RemoteTarget } from "./config.ts";

type ConfigDeps = Pick<AppDeps, "env" | "config">;

/** `--remote URL` was given, or a command that only makes sense remotely: there must be a remote. */
export function requireRemote(deps: ConfigDeps, flag: string | undefined): RemoteTarget {
  const target = resolveRemote(deps, flag);
  if (!target) {
    throw new RemoteError("NO_REMOTE", "Cannot reach a control plane: none was given or configured", "Pass --remote URL, set REMOTE_URL, or run `remote config set remote URL`.", "usage");
  }
  return target;
}

/** A local route carries the session it found, so the command does not look it up again. */
export type Route = { readonly kind: "local"; readonly session: SessionListing } | { readonly kind: "remote"; readonly target: RemoteTarget };

/**
 * Where a command on session `ref` goes: the `--remote` flag wins; otherwise a session
 * known here is local, and an unknown one is looked for on the configured remote.
 */
export function routeSessionRef(deps: AppDeps, flag: string | undefined, ref: string): Route {
  if (flag !== undefined && flag !== "") return { kind: "remote", target: requireRemote(deps, flag) };
  try {
    return { kind: "local", session: findSession(deps, ref) };
  } catch (error) {
    const fallback = isRemoteError(error) && error.code === "SESSION_NOT_FOUND" ? resolveRemote(deps) : undefined;
    if (!fallback) throw error;
    return { kind: "remote", target: fallback };
  }
}

