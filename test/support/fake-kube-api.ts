/**
 * A fake Kubernetes API server for tests, spoken to by the REAL kubectl (SPEC §11: no real
 * API server can run here). It is a peer, not a mock: it answers the wire protocol kubectl
 * uses and records every request for assertions.
 *
 * It serves HTTPS with a fresh self-signed certificate (in the kubeconfig as the CA):
 * over plain http, kubectl sends no credentials at all (client-go reads a user's token
 * only for TLS clusters), and the bearer token is part of what we check.
 *
 * Scope (what kubectl asks of it, and all it does):
 * - discovery: GET /version (1.32, so the dispatcher runs kubectl.1.32), /api, /apis
 *   (legacy JSON; kubectl asks for aggregated discovery first and accepts it), /api/v1;
 *   /openapi/v3 with a PATCH operation per kind declaring `fieldValidation`, so kubectl
 *   leaves validation to the server (`?fieldValidation=Strict`) and needs no full schema;
 *   /openapi/v2 is a 404;
 * - core/v1 pods, persistentvolumeclaims, secrets in any namespace: create (POST),
 *   get, list (label and field selectors, all namespaces), delete (one, or a collection),
 *   patch (server-side apply creates or merges; merge and strategic-merge patches are
 *   both applied as JSON merge patches, lists replaced), PUT; `Accept: ...;as=Table`
 *   gets a Table (Name, Status) so `kubectl get` prints; 404/409/403/401 as Status objects;
 *   no watch (a 405), no admission, no defaulting beyond uid/resourceVersion/timestamps;
 * - a namespace listed in `forbiddenNamespaces` answers 403 Forbidden to everything;
 * - pods/exec as a WebSocket upgrade with subprotocol v5.channel.k8s.io (frames: 0 stdin,
 *   1 stdout, 2 stderr, 3 status JSON, 4 resize, 255 close-stream), binary-safe;
 *   pods/log returns the container's output so far (`tailLines` honoured, no follow);
 * - Pods run on a runtime (fake-kube-pods.ts): local processes, or real podman containers;
 *   `setContainerView` overrides a Pod's state (CrashLoopBackOff, OOMKilled, ...).
 * - podman Pods get their volumes (fake-kube-volumes.ts: a claim is a directory that outlives
 *   its Pods, a Secret volume a read-only snapshot of its data) and run as `runAsUser`;
 *   process Pods ignore volumes and users.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { selfSignedCertificate, writeKubeconfig } from "./fake-kube-config.ts";
import { coreResourceList, coreVersions, groupList, openApiV3CoreDocument, openApiV3Root, resourceByPlural, versionInfo } from "./fake-kube-discovery.ts";
import { openExec, type ExecSocket } from "./fake-kube-exec.ts";
import { processRuntime, type ContainerSpec, type ContainerView, type PodRuntime } from "./fake-kube-pods.ts";
import { fieldMatcher, labelMatcher } from "./fake-kube-selectors.ts";
import { podVolumes } from "./fake-kube-volumes.ts";

type SecurityContext = { runAsUser?: number; runAsGroup?: number };
import { applyMergePatch, isAuthorized, status, table, type KubeObject } from "./fake-kube-objects.ts";

export type RecordedRequest = {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names; the Authorization value is replaced by "<redacted>". */
  readonly headers: Record<string, string>;
  readonly body: string;
};

export type FakeKubeApi = {
  readonly url: string;
  readonly kubeconfig: string;
  /** KUBECONFIG for kubectl, to merge into a child's env. */
  readonly env: { KUBECONFIG: string };
  readonly context: string;
  readonly requests: RecordedRequest[];
  readonly objects: (plural: string, namespace?: string) => KubeObject[];
  readonly setContainerView: (namespace: string, pod: string, view: ContainerView) => void;
  readonly forbid: (namespace: string) => void;
  readonly close: () => Promise<void>;
  readonly [Symbol.asyncDispose]: () => Promise<void>;
};

export type FakeKubeOptions = {
  /** @default processRuntime() */
  readonly runtime?: PodRuntime;
  readonly forbiddenNamespaces?: readonly string[];
  /** @default "kube-test-token" */
  readonly token?: string;
  /** @default "fake" */
  readonly context?: string;
};

/** route() answered by upgrading to a WebSocket: fetch returns nothing. */
const upgraded = Symbol("upgraded");
const itemPath = /^\/api\/v1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+)(?:\/(exec|log|status))?)?$/;

export function startFakeKubeApi(options: FakeKubeOptions = {}): FakeKubeApi {
  const runtime = options.runtime ?? processRuntime();
  const token = options.token ?? "kube-test-token";
  const context = options.context ?? "fake";
  const forbidden = new Set(options.forbiddenNamespaces ?? []);
  const store = new Map<string, KubeObject>();
  const views = new Map<string, ContainerView>();
  const requests: RecordedRequest[] = [];
  const dir = mkdtempSync(join(tmpdir(), "fake-kube-"));
  const volumes = podVolumes(join(dir, "volumes"));
  let version = 1;
  const key = (plural: string, ns: string, name: string) => `${plural}/${ns}/${name}`;

  const withStatus = async (plural: string, object: KubeObject): Promise<KubeObject> => {
    if (plural !== "pods") return object;
    const k = key(plural, object.metadata.namespace ?? "", object.metadata.name);
    const view = views.get(k) ?? (await runtime.view(k));
    const container = (object.spec as { containers?: ContainerSpec[] } | undefined)?.containers?.[0];
    const ready = "running" in view.state;
    const containerStatus = { name: container?.name ?? "main", image: container?.image ?? "", ready, started: ready, restartCount: view.restartCount ?? 0, state: view.state, ...(view.lastState ? { lastState: view.lastState } : {}) };
    return { ...object, status: { phase: view.phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }], containerStatuses: [containerStatus] } };
  };

  const create = async (plural: string, ns: string, body: KubeObject): Promise<Response> => {
    const name = body.metadata?.name;
    if (!name) return status(422, "Invalid", `${resourceByPlural.get(plural)?.kind} "" is invalid: metadata.name: Required value`);
    const k = key(plural, ns, name);
    if (store.has(k)) return status(409, "AlreadyExists", `${plural} "${name}" already exists`, { name, kind: plural });
    const object: KubeObject = { ...body, metadata: { ...body.metadata, namespace: ns, uid: `uid-${version}`, resourceVersion: String(++version), creationTimestamp: new Date().toISOString() } };
    if (plural === "secrets" && object.stringData) {
      const data = Object.fromEntries(Object.entries(object.stringData as Record<string, string>).map(([k2, v]) => [k2, Buffer.from(v).toString("base64")]));
      object.data = { ...(object.data as object | undefined), ...data };
      delete object.stringData;
    }
    if (plural === "persistentvolumeclaims") {
      object.status = { phase: "Bound" };
      volumes.claimCreated(ns, name);
    }
    store.set(k, object);
    if (plural === "pods") await startPod(k, object);
    return Response.json(await withStatus(plural, object), { status: 201 });
  };

  /** The kubelet's part: mount the volumes, then run the first container as its securityContext says. */
  const startPod = async (k: string, pod: KubeObject) => {
    const spec = pod.spec as { containers?: (ContainerSpec & { securityContext?: SecurityContext })[]; securityContext?: SecurityContext } | undefined;
    const container = spec?.containers?.[0];
    if (!container) return;
    const mounted = volumes.mountsFor(k, pod, (plural, name) => store.get(key(plural, pod.metadata.namespace ?? "", name)));
    if ("missing" in mounted) {
      views.set(k, { phase: "Pending", state: { waiting: { reason: "ContainerCreating", message: `MountVolume.SetUp failed: ${mounted.missing}` } } });
      return;
    }
    const security = { ...spec?.securityContext, ...container.securityContext };
    const user = security.runAsUser === undefined ? {} : { user: `${security.runAsUser}${security.runAsGroup === undefined ? "" : `:${security.runAsGroup}`}` };
    await runtime.start(k, { ...container, mounts: mounted.mounts, ...user });
  };

  const remove = async (plural: string, k: string): Promise<KubeObject | undefined> => {
    const object = store.get(k);
    if (!object) return undefined;
    store.delete(k);
    views.delete(k);
    if (plural === "pods") {
      await runtime.remove(k);
      volumes.podDeleted(k);
    }
    if (plural === "persistentvolumeclaims") volumes.claimDeleted(object.metadata.namespace ?? "", object.metadata.name);
    return object;
  };

  const list = (plural: string, ns: string | undefined, query: URLSearchParams) => {
    const labels = labelMatcher(query.get("labelSelector"));
    const fields = fieldMatcher(query.get("fieldSelector"));
    return [...store.entries()]
      .filter(([k, o]) => k.startsWith(`${plural}/${ns === undefined ? "" : `${ns}/`}`) && labels(o.metadata.labels ?? {}) && fields(o))
      .map(([, o]) => o);
  };

  const route = async (req: Request, url: URL, body: string, server: Bun.Server<ExecSocket["data"]>): Promise<Response | typeof upgraded | undefined> => {
    const path = url.pathname;
    const wantsTable = (req.headers.get("accept") ?? "").includes("as=Table");
    if (path === "/version") return Response.json(versionInfo);
    if (path === "/api") return Response.json(coreVersions);
    if (path === "/apis") return Response.json(groupList);
    if (path === "/api/v1") return Response.json(coreResourceList);
    if (path === "/openapi/v3") return Response.json(openApiV3Root);
    if (path === "/openapi/v3/api/v1") return Response.json(openApiV3CoreDocument);
    if (url.searchParams.get("watch") === "true") return status(405, "MethodNotAllowed", "the fake API server does not watch");

    const all = /^\/api\/v1\/([^/]+)$/.exec(path);
    if (all && req.method === "GET" && resourceByPlural.has(all[1] as string)) {
      const plural = all[1] as string;
      const items = await Promise.all(list(plural, undefined, url.searchParams).map((o) => withStatus(plural, o)));
      return wantsTable ? Response.json(table(items)) : Response.json({ kind: `${resourceByPlural.get(plural)?.kind}List`, apiVersion: "v1", metadata: { resourceVersion: String(version) }, items });
    }
    const namespace = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path)?.[1];
    if (namespace !== undefined && req.method === "GET") {
      if (forbidden.has(namespace)) return status(403, "Forbidden", `namespaces "${namespace}" is forbidden: User "remote-test" cannot get resource "namespaces" in API group "" in the namespace "${namespace}"`, { name: namespace, kind: "namespaces" });
      return Response.json({ kind: "Namespace", apiVersion: "v1", metadata: { name: namespace }, status: { phase: "Active" } });
    }
    const m = itemPath.exec(path);
    if (!m) return undefined;
    const [, ns, plural, name, sub] = m as unknown as [string, string, string, string | undefined, string | undefined];
    const resource = resourceByPlural.get(plural);
    if (!resource) return undefined;
    if (forbidden.has(ns)) {
      const verb = sub === "exec" ? "create" : req.method === "GET" ? (name ? "get" : "list") : req.method === "POST" ? "create" : req.method.toLowerCase();
      const what = sub ? `${plural}/${sub}` : plural;
      return status(403, "Forbidden", `${what}${name ? ` "${name}"` : ""} is forbidden: User "remote-test" cannot ${verb} resource "${what}" in API group "" in the namespace "${ns}"`, { kind: plural, ...(name ? { name } : {}) });
    }
    if (!name) {
      if (req.method === "POST") return create(plural, ns, JSON.parse(body) as KubeObject);
      const found = list(plural, ns, url.searchParams);
      if (req.method === "DELETE") {
        for (const o of found) await remove(plural, key(plural, ns, o.metadata.name));
        return Response.json({ kind: `${resource.kind}List`, apiVersion: "v1", metadata: {}, items: found });
      }
      const items = await Promise.all(found.map((o) => withStatus(plural, o)));
      return wantsTable ? Response.json(table(items)) : Response.json({ kind: `${resource.kind}List`, apiVersion: "v1", metadata: { resourceVersion: String(version) }, items });
    }
    const k = key(plural, ns, name);
    const notFound = () => status(404, "NotFound", `${plural} "${name}" not found`, { name, kind: plural });
    const existing = store.get(k);
    if (sub === "exec") {
      const spec = existing ? runtime.exec(k, url.searchParams.getAll("command")) : undefined;
      if (!existing) return notFound();
      if (!spec) return status(400, "BadRequest", `container not running in pod "${name}"`);
      const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
      if (!offered.includes("v5.channel.k8s.io")) return status(400, "BadRequest", "the fake API server speaks exec only as WebSocket v5.channel.k8s.io");
      const done = server.upgrade(req, { headers: { "Sec-WebSocket-Protocol": "v5.channel.k8s.io" }, data: { spec } });
      return done ? upgraded : status(400, "BadRequest", "WebSocket upgrade failed");
    }
    if (sub === "log") {
      if (!existing) return notFound();
      const text = await runtime.logs(k);
      const tail = url.searchParams.get("tailLines");
      const lines = text.split(/(?<=\n)/);
      return new Response(tail === null ? text : lines.slice(-Number(tail)).join(""), { headers: { "content-type": "text/plain" } });
    }
    if (req.method === "PATCH") {
      const patch = JSON.parse(body) as KubeObject;
      if ((req.headers.get("content-type") ?? "").startsWith("application/apply-patch") && !existing) return create(plural, ns, { ...patch, metadata: { ...patch.metadata, name } });
      if (!existing) return notFound();
      const merged = applyMergePatch(existing, patch) as KubeObject;
      store.set(k, { ...merged, metadata: { ...merged.metadata, resourceVersion: String(++version) } });
      return Response.json(await withStatus(plural, store.get(k) as KubeObject));
    }
    if (!existing) return notFound();
    if (req.method === "GET") return Response.json(wantsTable ? table([await withStatus(plural, existing)]) : await withStatus(plural, existing));
    if (req.method === "DELETE") return Response.json(await remove(plural, k));
    if (req.method === "PUT") {
      store.set(k, { ...(JSON.parse(body) as KubeObject), metadata: { ...existing.metadata, ...(JSON.parse(body) as KubeObject).metadata, resourceVersion: String(++version) } });
      return Response.json(store.get(k));
    }
    return status(405, "MethodNotAllowed", `${req.method} is not supported by the fake API server`);
  };

  const tls = selfSignedCertificate(dir);
  const server = Bun.serve<ExecSocket["data"]>({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: tls.cert, key: tls.key },
    fetch: async (req, srv) => {
      const url = new URL(req.url);
      const body = req.method === "GET" ? "" : await req.text();
      const headers: Record<string, string> = {};
      req.headers.forEach((v, n) => (headers[n] = n === "authorization" ? "<redacted>" : v));
      requests.push({ method: req.method, path: url.pathname, query: url.searchParams, headers, body });
      if (!isAuthorized(req, token)) return status(401, "Unauthorized", "Unauthorized");
      const answer = await route(req, url, body, srv);
      if (answer === upgraded) return undefined;
      return answer ?? status(404, "NotFound", "the server could not find the requested resource");
    },
    websocket: openExec(),
  });

  const url = `https://127.0.0.1:${server.port}`;
  const kubeconfig = writeKubeconfig(dir, { url, caCert: tls.cert, token, context });
  const close = async () => {
    server.stop(true);
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    kubeconfig,
    env: { KUBECONFIG: kubeconfig },
    context,
    requests,
    objects: (plural, namespace) => list(plural, namespace, new URLSearchParams()),
    setContainerView: (namespace, pod, view) => views.set(key("pods", namespace, pod), view),
    forbid: (namespace) => forbidden.add(namespace),
    close,
    [Symbol.asyncDispose]: close,
  };
}

// By hand: `bun test/support/fake-kube-api.ts [--podman | --session-image]` serves until Ctrl-C and prints the
// KUBECONFIG line to paste into another shell. --podman: Pods in a private podman with a tiny test image
// (fake-kube-podman.ts); --session-image: Pods in the machine's podman store, where `npm run image:local`
// put localhost/remote-session:local (run it first), so `remote run --target kubernetes` works end to end.
if (import.meta.main) {
  const { hasPodman, importTestImage, privatePodman, sharedPodman } = await import("./fake-kube-podman.ts");
  const { podmanRuntime } = await import("./fake-kube-pods.ts");
  const sessionImage = process.argv.includes("--session-image") && hasPodman();
  let conf: string | undefined;
  if (sessionImage) {
    conf = join(mkdtempSync(join(tmpdir(), "fake-kube-conf-")), "containers.conf");
    await Bun.write(conf, '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n');
  }
  const podman = conf ? sharedPodman(conf) : process.argv.includes("--podman") && hasPodman() ? privatePodman() : undefined;
  const image = conf ? "localhost/remote-session:local" : podman ? await importTestImage(podman) : undefined;
  const api = startFakeKubeApi({ forbiddenNamespaces: ["locked"], ...(podman ? { runtime: podmanRuntime(podman) } : {}) });
  console.log(`export KUBECONFIG=${api.kubeconfig}${image ? `   # pods run as podman containers; image: ${image}` : ""}`);
  process.on("SIGINT", () => void api.close().then(() => podman?.close()).then(() => process.exit(0)));
}
