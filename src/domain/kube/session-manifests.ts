/**
 * The Kubernetes objects of one session, rendered as plain data: a Pod running our
 * binary in session-host mode, a PersistentVolumeClaim holding the workspace and HOME
 * (it outlives the Pod, so `stop` keeps them), and a Secret with the credential bundle.
 * Path parity: the workspace and HOME are mounted at the same absolute paths as on the
 * laptop, so paths in transcripts and configs mean the same thing in the Pod.
 * Credentials appear only in the Secret's data: never in env, args, labels or annotations.
 */
import { RemoteError } from "../errors.ts";
import type { PodSpec } from "../target.ts";
import { CREDENTIALS_MOUNT, SESSION_ENTRYPOINT, SESSION_ENV, podRemoteHome } from "./entrypoint.ts";
import { SESSION_NAME_ANNOTATION, sessionLabels } from "../session-labels.ts";
import { sessionObjectNames, validateNamespace } from "./names.ts";
import { renderCredentialsSecret } from "./secret.ts";
import type { KubeObject, Resources } from "./objects.ts";
import { parseCpu, parseMemory } from "./quantity.ts";
import { containerSecurityContext, podSecurityContext, tmpMount, tmpVolume } from "./security.ts";

export type SessionManifestSpec = {
  readonly sessionId: string;
  readonly profile: string;
  readonly name: string;
  readonly image: string;
  readonly namespace: string;
  /** Kubernetes quantities from --cpu / --memory (validated here again). */
  readonly cpu?: string | undefined;
  readonly memory?: string | undefined;
  /** Size of the workspace + HOME volume. */
  readonly storage?: string | undefined;
  /** Absolute paths as on the laptop. */
  readonly workspace: string;
  readonly home: string;
  /** The agent CLI's argv. */
  readonly command: string;
  readonly args: readonly string[];
  /** HOME-relative path -> file contents. */
  readonly credentials: ReadonlyMap<string, Uint8Array>;
  /** The `--with` tools of the bundle, kept in the Pod's session spec (names only) for a CLI that finds it again. */
  readonly credentialTools?: readonly string[] | undefined;
  /** Keep the Secret's keys but leave every value empty (a dry run prints no credential). */
  readonly redactCredentials?: boolean | undefined;
  /** The terminal size the session host starts with (default 80x24; an attach resizes it). */
  readonly cols?: number | undefined;
  readonly rows?: number | undefined;
  /** The desired plugin manifest's sha256: `remote __pod` waits for it in HOME before starting the agent (issue 11). */
  readonly plugins?: string | undefined;
  /** The control plane puts the workspace and conversation in through exec first: `remote __pod` waits for `remote __prepared`. */
  readonly prepared?: "exec" | undefined;
};

export type SessionManifests = { readonly pod: KubeObject; readonly volume: KubeObject; readonly credentials: KubeObject };

export const DEFAULT_SESSION_STORAGE = "10Gi";
/** Without --cpu/--memory: a modest request so the scheduler places the Pod, and no limit. */
export const DEFAULT_REQUESTS = { cpu: "250m", memory: "512Mi" } as const;
const CONTAINER = "session";

const segments = (path: string) => path.split("/").filter((s) => s !== "");
const isCleanAbsolute = (path: string) => path.startsWith("/") && segments(path).length > 0 && !segments(path).some((s) => s === "." || s === "..") && !path.includes("//");

export function absolutePath(what: string, path: string): string {
  if (!isCleanAbsolute(path)) throw new RemoteError("INVALID_PATH", `Cannot mount ${what} '${path}' in a Pod: not a clean absolute path below /`, undefined, "invalid");
  return path.replace(/\/$/, "");
}

export function sessionResources(cpu: string | undefined, memory: string | undefined): Resources {
  const limits = { ...(cpu === undefined ? {} : { cpu: parseCpu(cpu) }), ...(memory === undefined ? {} : { memory: parseMemory(memory) }) };
  // A given amount is both requested and the ceiling (the scheduler reserves what the session may use).
  const requests = { ...DEFAULT_REQUESTS, ...limits };
  return Object.keys(limits).length === 0 ? { requests } : { requests, limits };
}

/** One volume, two subdirectories; a parent path is mounted before what lies inside it (a workspace under HOME). */
export const claimMounts = (workspace: string, home: string) =>
  workspace === home ? [{ mountPath: home, subPath: "home" }] : [{ mountPath: home, subPath: "home" }, { mountPath: workspace, subPath: "workspace" }].sort((a, b) => a.mountPath.length - b.mountPath.length);

export function renderSessionManifests(spec: SessionManifestSpec): SessionManifests {
  const names = sessionObjectNames(spec.sessionId);
  const namespace = validateNamespace(spec.namespace);
  const labels = sessionLabels(spec.sessionId, spec.profile);
  const workspace = absolutePath("the workspace", spec.workspace);
  const home = absolutePath("HOME", spec.home);
  // What `remote __pod` hosts: the agent's argv travels in this JSON (it takes no arguments).
  const session: PodSpec = { sessionId: spec.sessionId, name: spec.name, profile: spec.profile, command: spec.command, args: spec.args, cwd: workspace, cols: spec.cols ?? 80, rows: spec.rows ?? 24, target: "kubernetes", image: spec.image, ...(spec.plugins === undefined ? {} : { plugins: spec.plugins }), ...(spec.prepared && { prepared: spec.prepared }), ...(spec.credentials.size > 0 && { credentials: "mount" as const, ...(spec.credentialTools && { credentialTools: spec.credentialTools }) }) };

  const mounts = claimMounts(workspace, home);

  const volume: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: names.volume, namespace, labels },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: spec.storage ?? DEFAULT_SESSION_STORAGE } } },
  };

  const credentials = renderCredentialsSecret({ sessionId: spec.sessionId, profile: spec.profile, namespace, credentials: spec.credentials, redact: spec.redactCredentials });

  const pod: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: names.pod, namespace, labels, annotations: { [SESSION_NAME_ANNOTATION]: spec.name } },
    spec: {
      restartPolicy: "Never",
      // A session needs no Kubernetes API: no service account token reaches it, no service env leaks in.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 10,
      securityContext: podSecurityContext,
      containers: [
        {
          name: CONTAINER,
          image: spec.image,
          imagePullPolicy: "IfNotPresent",
          command: [...SESSION_ENTRYPOINT],
          workingDir: workspace,
          env: [
            { name: SESSION_ENV.podSession, value: JSON.stringify(session) },
            { name: SESSION_ENV.remoteHome, value: podRemoteHome(home) },
            { name: "HOME", value: home },
            { name: "TERM", value: "xterm-256color" },
          ],
          resources: sessionResources(spec.cpu, spec.memory),
          securityContext: containerSecurityContext,
          volumeMounts: [
            ...mounts.map((m) => ({ name: "data", ...m })),
            { name: "credentials", mountPath: CREDENTIALS_MOUNT, readOnly: true },
            tmpMount,
          ],
        },
      ],
      volumes: [
        { name: "data", persistentVolumeClaim: { claimName: names.volume } },
        // Read-only files (0400; the kubelet adds group read for fsGroup), every key a file named
        // by its encoded path (secret-keys.ts): the entrypoint copies them into HOME with 0600.
        { name: "credentials", secret: { secretName: names.credentials, defaultMode: 0o400 } },
        tmpVolume,
      ],
    },
  };

  return { pod, volume, credentials };
}

/** In the order `kubectl apply` should create them: what the Pod mounts first. */
export const sessionManifestList = (m: SessionManifests): readonly KubeObject[] => [m.volume, m.credentials, m.pod];
