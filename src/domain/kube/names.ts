/**
 * Names and labels of what `remote` creates in a cluster. Every object carries
 * `app.kubernetes.io/managed-by: remote`; a session's objects also carry its id and
 * profile under our own prefix, so a restarted CLI or control plane finds them again
 * with a label selector.
 */
import { RemoteError } from "../errors.ts";

// The label vocabulary is one module for every target (session-labels.ts); these names stay importable from here.
export { COMPONENT_LABEL, LABEL_PREFIX, MANAGED_BY, PROFILE_LABEL, SESSION_ID_LABEL, SESSION_NAME_ANNOTATION, labelValue, sessionLabels } from "../session-labels.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** "remote-" + id + "-credentials" must stay a DNS-1123 label (63 characters). */
const MAX_ID = 63 - "remote--credentials".length;

/** A DNS-1123 label (what Kubernetes requires of Pod, PVC and Secret names). */
export const isDnsLabel = (name: string): boolean => name.length <= 63 && DNS_LABEL.test(name);

/**
 * Session ids are lowercase base36 already; anything else is refused rather than
 * rewritten, since two rewritten ids could collide on one set of objects.
 */
export function sessionObjectBase(sessionId: string): string {
  if (sessionId.length === 0 || sessionId.length > MAX_ID || !DNS_LABEL.test(sessionId)) {
    throw new RemoteError("INVALID_SESSION_ID", `Cannot name Kubernetes objects after session id '${sessionId}': not lowercase letters, digits and '-' (at most ${MAX_ID})`, undefined, "invalid");
  }
  return `remote-${sessionId}`;
}

/** The names of one session's objects: the Pod, its volume claim (workspace + HOME), its credential Secret, and the short-lived Pod that reads an ended session's claim. */
export const sessionObjectNames = (sessionId: string) => {
  const base = sessionObjectBase(sessionId);
  return { pod: base, volume: `${base}-data`, credentials: `${base}-credentials`, reader: `${base}-reader` } as const;
};

/** A namespace is a DNS-1123 label too: refuse a bad one before kubectl does, naming the flag. */
export function validateNamespace(namespace: string): string {
  if (!isDnsLabel(namespace)) {
    throw new RemoteError("INVALID_FLAG", `Cannot use --namespace '${namespace}': not a Kubernetes namespace name`, "Use lowercase letters, digits and '-' (at most 63), e.g. --namespace remote.", "usage");
  }
  return namespace;
}
