/**
 * A refresh of a docker or kubernetes session (issue 9 item 6): fresh files pushed into its
 * live HOME through the target's exec port (push.ts; kubernetes updates the session's Secret first).
 * A hard refresh (the default; `--soft` skips it) on a target that can, kubernetes, also
 * starts the Pod again on the same volume and the updated Secret: same session id and
 * handle, HOME as it was plus the fresh files, so its agent starts with them. Docker
 * sessions are never restarted: their HOME lives in the container's own layer.
 */
import { RemoteError } from "../../domain/errors.ts";
import { isFinal } from "../../domain/session-lifecycle.ts";
import { RESTARTING_META, restartingMeta } from "../../domain/session-restart.ts";
import type { TargetHandle } from "../../domain/target.ts";
import type { AppDeps } from "../deps.ts";
import { liveSocket, type SessionListing } from "../sessions/find.ts";
import { requestHost } from "../sessions/host-request.ts";
import { READY_TIMEOUT_MS } from "../targets/container-sessions.ts";
import { pushIntoSession } from "./push.ts";
import { credentialBundleHash, type CredentialFiles, type CredentialsOutcome } from "./session-home.ts";

export type ContainerRefreshOutcome = CredentialsOutcome & { readonly restarted: boolean };

export const startedWithoutCredentials = (session: SessionListing) =>
  new RemoteError(
    "NO_SESSION_CREDENTIALS",
    `Cannot refresh the credentials of session '${session.name}': it was started without credentials (--no-auth)`,
    "Start a new session without --no-auth; it gets the bundle, and refresh keeps it fresh.",
    "conflict",
  );

/** A container session that was started with credentials (its record keeps their hash). */
export const hasContainerCredentials = (session: SessionListing): boolean => session.target !== undefined && typeof session.meta.credentialsHash === "string";

export async function refreshContainerSession(
  deps: Pick<AppDeps, "store" | "target" | "connector" | "random" | "clock">,
  session: SessionListing,
  files: CredentialFiles,
  options: { readonly soft?: boolean | undefined } = {},
): Promise<ContainerRefreshOutcome> {
  if (!hasContainerCredentials(session)) throw startedWithoutCredentials(session);
  const hash = credentialBundleHash(files);
  if (session.meta.credentialsHash === hash) return { updated: 0, skipped: true, hash, restarted: false };
  const handle = session.target as TargetHandle;
  const target = deps.target(handle);
  // Kept outside first (a Pod's Secret), so a Pod created again has them; then into the live HOME.
  await target.storeCredentials?.(handle, { sessionId: session.id, profile: session.profile, files });
  await pushIntoSession(target, handle, files);
  const store = deps.store();
  store.mutate(session.id, (record) => ({ meta: { ...record.meta, credentialsHash: hash } }));
  if (options.soft || target.recreate === undefined) return { updated: files.length, skipped: false, hash, restarted: false };
  // Meanwhile a client attached to the old host hears it end, and `ls` may find no Pod: neither ends the session.
  store.mutate(session.id, (record) => ({ meta: { ...record.meta, ...restartingMeta(deps.clock.now()) } }));
  try {
    await target.recreate(handle);
    // Its new session host answers on the same socket path before the refresh says it is done.
    const info = await requestHost<{ pid?: number }>(deps, liveSocket(session), { op: "info" }, READY_TIMEOUT_MS);
    store.mutate(session.id, (current) => (isFinal(current.state) ? undefined : { pid: info.pid }));
  } finally {
    store.mutate(session.id, (record) => {
      const { [RESTARTING_META]: _done, ...meta } = record.meta;
      return { meta };
    });
  }
  return { updated: files.length, skipped: false, hash, restarted: true };
}
