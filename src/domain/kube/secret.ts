/**
 * A session's credential Secret: one key per bundle file (its HOME-relative path,
 * encoded by secret-keys.ts), values base64 as the API wants them. Rendered alone too,
 * for a refresh, which updates it in place (same name, same labels) before the files are
 * pushed into the Pod, so a Pod created again later copies the fresh ones.
 * Nothing of a credential goes anywhere but `data`: no annotation, label or Pod field.
 */
import { RemoteError } from "../errors.ts";
import { sessionLabels, sessionObjectNames, validateNamespace } from "./names.ts";
import type { KubeObject } from "./objects.ts";
import { secretKeyOf } from "./secret-keys.ts";

export type CredentialsSecretSpec = {
  readonly sessionId: string;
  readonly profile: string;
  readonly namespace: string;
  /** HOME-relative path -> file contents. */
  readonly credentials: ReadonlyMap<string, Uint8Array>;
  /** Keep the keys but leave every value empty (a dry run prints no credential). */
  readonly redact?: boolean | undefined;
};

/** A credential path is HOME-relative and stays below HOME. */
function credentialPath(path: string): string {
  const parts = path.split("/");
  if (path.startsWith("/") || parts.some((s) => s === "" || s === "." || s === "..")) {
    throw new RemoteError("INVALID_PATH", `Cannot put credential file '${path}' in a Secret: not a plain path relative to HOME`, undefined, "invalid");
  }
  return path;
}

export function renderCredentialsSecret(spec: CredentialsSecretSpec): KubeObject {
  const entries = [...spec.credentials.entries()].map(([path, bytes]) => [secretKeyOf(credentialPath(path)), bytes] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: sessionObjectNames(spec.sessionId).credentials, namespace: validateNamespace(spec.namespace), labels: sessionLabels(spec.sessionId, spec.profile) },
    type: "Opaque",
    data: Object.fromEntries(entries.map(([key, bytes]) => [key, spec.redact ? "" : Buffer.from(bytes).toString("base64")])),
  };
}
