/** The API server's answers as data: Status errors, Tables, merge patches, the bearer check. */

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

/** A `Status` object, as every API error is (kubectl prints `Error from server (<reason>): <message>`). */
export function status(code: number, reason: string, message: string, details?: Record<string, string>): Response {
  return Response.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code }, { status: code });
}

/** `Accept: ...;as=Table`: the columns `kubectl get` prints (Name, Status). */
export function table(items: readonly KubeObject[]) {
  const statusOf = (o: KubeObject) => {
    const s = o.status as { phase?: string; containerStatuses?: { state?: Record<string, { reason?: string }> }[] } | undefined;
    const state = s?.containerStatuses?.[0]?.state;
    return state?.waiting?.reason ?? state?.terminated?.reason ?? s?.phase ?? "";
  };
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: {},
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", description: "Name", priority: 0 },
      { name: "Status", type: "string", format: "", description: "Status", priority: 0 },
    ],
    rows: items.map((o) => ({ cells: [o.metadata.name, statusOf(o)], object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata } })),
  };
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else (lists too) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

export const isAuthorized = (req: Request, token: string): boolean => req.headers.get("authorization") === `Bearer ${token}`;
