/**
 * The port to Kubernetes clusters (issue 9): the Kubernetes target reaches them only
 * through kubectl (SPEC §11). Its own file: ports.ts has passed its size budget.
 */
/** A Kubernetes object as plain data (src/domain/kube renders them). */
export type KubeObjectData = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> }; readonly [field: string]: unknown };
/** Which cluster and namespace: absent fields mean the kubeconfig's current ones. */
export type KubeScope = { readonly context?: string | undefined; readonly namespace?: string | undefined };
export type KubeKind = "pod" | "persistentvolumeclaim" | "secret";
/** A Pod's truth for `ls`: phase, and the reason of its first container's state (CrashLoopBackOff, OOMKilled, ...). */
export type PodState = {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: string;
  /** The first container's state: a waiting one says why in `reason` (ImagePullBackOff, CrashLoopBackOff). */
  readonly container: "waiting" | "running" | "terminated" | "none";
  readonly ready: boolean;
  readonly restarts: number;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  readonly exitCode?: number | undefined;
  /** Why the container last ended, for one waiting to restart (CrashLoopBackOff after OOMKilled). */
  readonly lastReason?: string | undefined;
  readonly createdAt?: string | undefined;
  readonly image?: string | undefined;
  /** The first container's plain env values (where rediscovery reads the session it hosts; never a credential: those are in a Secret). */
  readonly env: Readonly<Record<string, string>>;
};
/** `kubectl exec -i`: bytes in, bytes out, binary-safe; `exited` is the remote command's exit code (kubectl's own failures reject). */
export type KubeExec = {
  readonly stdout: ReadableStream<Uint8Array>;
  readonly write: (data: Uint8Array) => void;
  /** Closes the remote command's stdin. */
  readonly end: () => void;
  readonly kill: () => void;
  readonly exited: Promise<number>;
  /** What arrived on stderr so far (the remote command's and kubectl's). */
  readonly stderr: () => string;
};
export type KubectlPort = {
  /** Server-side apply (creates or updates; we own the fields we set). */
  readonly apply: (objects: readonly KubeObjectData[], scope: KubeScope) => Promise<void>;
  /** Create; an existing object is a KUBE_ALREADY_EXISTS error. */
  readonly create: (objects: readonly KubeObjectData[], scope: KubeScope) => Promise<void>;
  readonly pods: (labels: Readonly<Record<string, string>>, scope: KubeScope) => Promise<PodState[]>;
  /** One object as the server has it (status included); undefined when there is none. */
  readonly get: (kind: KubeKind, name: string, scope: KubeScope) => Promise<KubeObjectData | undefined>;
  /** Deletes every object of these kinds carrying these labels; none is not an error. `wait`: return once they are gone, not just accepted. */
  readonly deleteByLabel: (kinds: readonly KubeKind[], labels: Readonly<Record<string, string>>, scope: KubeScope, options?: { readonly wait?: boolean }) => Promise<void>;
  /** `onStderr` hears each piece of stderr as it arrives (a bridge says there when it is connected). */
  readonly exec: (pod: string, argv: readonly string[], scope: KubeScope, options?: { readonly container?: string; readonly onStderr?: (text: string) => void }) => KubeExec;
  readonly logs: (pod: string, scope: KubeScope, options?: { readonly container?: string; readonly tailLines?: number }) => Promise<string>;
};
