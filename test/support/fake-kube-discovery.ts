/**
 * The static documents the fake Kubernetes API server answers for discovery: what the real
 * kubectl reads before it does anything (SPEC §11). Only the core group (v1) with pods,
 * persistentvolumeclaims, secrets and namespaces exists; `/apis` lists no groups.
 */

/** kubectl's dispatcher picks its own version (kubectl.1.32) from this. */
export const versionInfo = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "fake",
  gitTreeState: "clean",
  buildDate: "2025-01-01T00:00:00Z",
  goVersion: "go1.23",
  compiler: "gc",
  platform: "linux/amd64",
};

/** Legacy discovery (kubectl asks for aggregated discovery first and accepts this). */
export const coreVersions = { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1" }] };
export const groupList = { kind: "APIGroupList", apiVersion: "v1", groups: [] };

const verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
export type ResourceInfo = { readonly plural: string; readonly kind: string; readonly shortNames: readonly string[]; readonly namespaced: boolean };
export const resources: readonly ResourceInfo[] = [
  { plural: "pods", kind: "Pod", shortNames: ["po"], namespaced: true },
  { plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", shortNames: ["pvc"], namespaced: true },
  { plural: "secrets", kind: "Secret", shortNames: [], namespaced: true },
];
export const resourceByPlural = new Map(resources.map((r) => [r.plural, r]));

export const coreResourceList = {
  kind: "APIResourceList",
  groupVersion: "v1",
  resources: [
    ...resources.map((r) => ({ name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs, shortNames: r.shortNames })),
    { name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] },
    { name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] },
    { name: "namespaces", singularName: "namespace", namespaced: false, kind: "Namespace", verbs: ["get", "list"], shortNames: ["ns"] },
  ],
};

/** `/openapi/v3`: one group-version, whose document follows. */
export const openApiV3Root = { paths: { "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=fake" } } };

/**
 * `/openapi/v3/api/v1`: just enough for kubectl's field-validation check (a PATCH operation
 * per kind that declares the `fieldValidation` query parameter). kubectl then leaves
 * validation to the server (`?fieldValidation=Strict`) instead of downloading full schemas,
 * so the adapter never needs `--validate=false` and keeps real clusters' strict checks.
 */
export const openApiV3CoreDocument = {
  openapi: "3.0.0",
  info: { title: "fake-kube-api", version: "v1.32.4" },
  paths: Object.fromEntries(
    resources.map((r) => [
      `/api/v1/namespaces/{namespace}/${r.plural}/{name}`,
      {
        patch: {
          "x-kubernetes-group-version-kind": { group: "", version: "v1", kind: r.kind },
          parameters: [{ name: "fieldValidation", in: "query", schema: { type: "string" } }],
          responses: { "200": { description: "OK" } },
        },
      },
    ]),
  ),
};
