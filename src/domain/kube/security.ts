/**
 * The restrictive security settings every Pod we render runs with: a fixed non-root
 * user, no privilege escalation, no capabilities, the runtime's default seccomp filter
 * and a read-only root filesystem (writes go to the volume and an in-memory /tmp).
 * fsGroup makes the volume writable by that user.
 */
export const RUN_AS_USER = 1000;

export const podSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
  // Re-own the volume only when its root is not ours yet: a large HOME is not walked at every start.
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
} as const;

export const containerSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
} as const;

/** An in-memory /tmp: the root filesystem is read-only and CLIs write temporary files. */
export const tmpVolume = { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } } as const;
export const tmpMount = { name: "tmp", mountPath: "/tmp" } as const;
