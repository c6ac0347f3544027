/**
 * `remote serve --print-manifests`: the control plane running in a cluster for a team.
 * A Deployment (one replica: its store is SQLite on a volume), a ClusterIP Service, a
 * ServiceAccount bound to a namespaced Role that grants only what the control plane does
 * to session objects, a volume claim for its data, and no token in the manifests: the
 * bearer token comes from a Secret the operator creates (see the hint printed with them).
 */
import { SESSION_ENTRYPOINT } from "./entrypoint.ts";
import { COMPONENT_LABEL, MANAGED_BY } from "../session-labels.ts";
import { validateNamespace } from "./names.ts";
import type { KubeObject } from "./objects.ts";
import { containerSecurityContext, podSecurityContext, tmpMount, tmpVolume } from "./security.ts";

export type ControlPlaneManifestSpec = { readonly namespace: string; readonly image: string; readonly port?: number | undefined };

export const CONTROL_PLANE_NAME = "remote-control-plane";
export const CONTROL_PLANE_TOKEN_SECRET = `${CONTROL_PLANE_NAME}-token`;
export const CONTROL_PLANE_PORT = 7070;
const DATA_DIR = "/var/lib/remote";
const TOKEN_MOUNT = "/var/run/remote/token";
const BINARY = SESSION_ENTRYPOINT[0] as string;

/** What the control plane does to session objects, and nothing more (no list/watch of Secrets: it names each one). */
export const CONTROL_PLANE_RULES = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
  // WebSocket exec is authorised as `create` on current API servers and as `get` on older ones.
  { apiGroups: [""], resources: ["pods/exec"], verbs: ["create", "get"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "create", "delete"] },
  { apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "update", "patch", "delete"] },
] as const;

/** The names a client in the cluster reaches the Service by (the Host header serve checks). */
export const serviceHostNames = (namespace: string) => [CONTROL_PLANE_NAME, `${CONTROL_PLANE_NAME}.${namespace}`, `${CONTROL_PLANE_NAME}.${namespace}.svc`, `${CONTROL_PLANE_NAME}.${namespace}.svc.cluster.local`];

export function renderControlPlaneManifests(spec: ControlPlaneManifestSpec): readonly KubeObject[] {
  const namespace = validateNamespace(spec.namespace);
  const port = spec.port ?? CONTROL_PLANE_PORT;
  const selector = { "app.kubernetes.io/name": CONTROL_PLANE_NAME };
  const labels = { ...selector, [MANAGED_BY]: "remote", [COMPONENT_LABEL]: "control-plane" };
  const metadata = { name: CONTROL_PLANE_NAME, namespace, labels };

  const serviceAccount: KubeObject = { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: true };
  const role: KubeObject = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata, rules: CONTROL_PLANE_RULES };
  const roleBinding: KubeObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: CONTROL_PLANE_NAME },
    subjects: [{ kind: "ServiceAccount", name: CONTROL_PLANE_NAME, namespace }],
  };
  const data: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { ...metadata, name: `${CONTROL_PLANE_NAME}-data` },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  };
  const service: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: { type: "ClusterIP", selector, ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
  };
  const container = {
    image: spec.image,
    imagePullPolicy: "IfNotPresent",
    securityContext: containerSecurityContext,
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
  };
  const deployment: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      replicas: 1,
      // One writer of the SQLite store on a ReadWriteOnce volume: the old Pod goes before the new one starts.
      strategy: { type: "Recreate" },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: CONTROL_PLANE_NAME,
          enableServiceLinks: false,
          securityContext: podSecurityContext,
          initContainers: [
            {
              ...container,
              name: "token",
              // serve refuses a token file others can read; a Secret volume under fsGroup is group-readable, so copy it 0600.
              command: ["install", "-m", "0600", `${TOKEN_MOUNT}/token`, `${DATA_DIR}/token`],
              volumeMounts: [
                { name: "data", mountPath: DATA_DIR },
                { name: "token", mountPath: TOKEN_MOUNT, readOnly: true },
              ],
            },
          ],
          containers: [
            {
              ...container,
              name: "serve",
              // Plain http inside the cluster network (--insecure): TLS belongs to the Ingress or mesh in front,
              // and `kubectl port-forward` reaches it on loopback. The Service's names are the Host values it answers.
              command: [BINARY, "serve", "--host", "0.0.0.0", "--port", String(port), "--data", DATA_DIR, "--insecure", "--allow-host", serviceHostNames(namespace).join(",")],
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              readinessProbe: { tcpSocket: { port: "http" }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 20, failureThreshold: 3 },
              volumeMounts: [{ name: "data", mountPath: DATA_DIR }, tmpMount],
            },
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: `${CONTROL_PLANE_NAME}-data` } },
            { name: "token", secret: { secretName: CONTROL_PLANE_TOKEN_SECRET, defaultMode: 0o400, items: [{ key: "token", path: "token" }] } },
            tmpVolume,
          ],
        },
      },
    },
  };
  return [serviceAccount, role, roleBinding, data, service, deployment];
}

/** How the operator creates the token Secret the Deployment reads (printed to stderr, never a token itself). */
export const controlPlaneTokenHint = (namespace: string) =>
  `create the token first: kubectl -n ${namespace} create secret generic ${CONTROL_PLANE_TOKEN_SECRET} --from-literal=token="$(openssl rand -hex 32)"`;
