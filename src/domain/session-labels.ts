/**
 * The one label vocabulary of everything `remote` creates beyond this machine, on every
 * target (docker containers and Kubernetes objects alike): `app.kubernetes.io/managed-by:
 * remote`, and the session's id and profile under our own prefix. A CLI that lost its store
 * (or another REMOTE_HOME) finds its sessions again with a selector on these labels.
 */
import { RemoteError } from "./errors.ts";

export const LABEL_PREFIX = "remote.dev";
export const MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "remote";
export const SESSION_ID_LABEL = `${LABEL_PREFIX}/session-id`;
export const PROFILE_LABEL = `${LABEL_PREFIX}/profile`;
export const COMPONENT_LABEL = "app.kubernetes.io/component";
/** The session's name is free text for people: an annotation on Kubernetes (labels have a strict grammar), a label on docker (which has no annotations). */
export const SESSION_NAME_ANNOTATION = `${LABEL_PREFIX}/session-name`;

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export function labelValue(what: string, value: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new RemoteError("INVALID_LABEL", `Cannot use ${what} '${value}' as a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'`, undefined, "invalid");
  }
  return value;
}

/** Every object of ours carries these (the selector rediscovery lists by). */
export const managedLabels = { [MANAGED_BY]: MANAGED_BY_VALUE } as const;

/** One session's objects: what `list` reads back, and what deleting one session selects. */
export const sessionLabels = (sessionId: string, profile: string) =>
  ({
    [MANAGED_BY]: MANAGED_BY_VALUE,
    [COMPONENT_LABEL]: "session",
    [SESSION_ID_LABEL]: labelValue("session id", sessionId),
    [PROFILE_LABEL]: labelValue("profile", profile),
  }) as const;

/**
 * The short-lived helper that reads an ended session's volumes (its claim): the session's
 * labels (deleting the session's objects takes it too) but another component, so listing
 * sessions never takes it for one.
 */
export const VOLUME_READER_COMPONENT = "volume-reader";
export const volumeReaderLabels = (sessionId: string, profile: string) => ({ ...sessionLabels(sessionId, profile), [COMPONENT_LABEL]: VOLUME_READER_COMPONENT }) as const;
/** Is this object (by its labels) a volume reader rather than a session. */
export const isVolumeReader = (labels: Readonly<Record<string, string>> | undefined): boolean => labels?.[COMPONENT_LABEL] === VOLUME_READER_COMPONENT;

/** Selects one session's objects, whatever its profile. */
export const sessionSelector = (sessionId: string) => ({ [MANAGED_BY]: MANAGED_BY_VALUE, [SESSION_ID_LABEL]: sessionId }) as const;
