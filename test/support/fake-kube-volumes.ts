/**
 * The kubelet's share of volumes, for the fake API server's podman Pods: a
 * PersistentVolumeClaim is a host directory that lives as long as the claim (so a Pod
 * recreated on the same claim finds its files), a Secret volume is a snapshot of the
 * Secret's data as files (mode `defaultMode`, default 0644) mounted read-only, an emptyDir
 * a fresh directory. A volume whose claim or Secret does not exist keeps the Pod in
 * ContainerCreating, as the kubelet does (the fake does not retry). Test-only: claim
 * directories (and their subPaths) are 0777 so a non-root `runAsUser` can write them.
 * As the kubelet does for the Pod's `fsGroup`, a Secret's files get that group and group read.
 */
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KubeObject } from "./fake-kube-objects.ts";

export type Mount = { readonly hostPath: string; readonly mountPath: string; readonly readOnly: boolean };
type Volume = { name: string; persistentVolumeClaim?: { claimName: string }; secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string; mode?: number }[] }; emptyDir?: object };
type VolumeMount = { name: string; mountPath: string; readOnly?: boolean; subPath?: string };

export function podVolumes(root: string) {
  const claimDir = (ns: string, name: string) => join(root, "claims", ns, name);
  const podDir = (podKey: string) => join(root, "pods", podKey.replaceAll("/", "_"));
  return {
    claimCreated: (ns: string, name: string) => {
      mkdirSync(claimDir(ns, name), { recursive: true });
      chmodSync(claimDir(ns, name), 0o777);
    },
    claimDeleted: (ns: string, name: string) => rmSync(claimDir(ns, name), { recursive: true, force: true }),
    podDeleted: (podKey: string) => rmSync(podDir(podKey), { recursive: true, force: true }),
    /** The first container's mounts, or why the kubelet could not mount them. */
    mountsFor: (podKey: string, pod: KubeObject, find: (plural: string, name: string) => KubeObject | undefined): { mounts: Mount[] } | { missing: string } => {
      const spec = pod.spec as { volumes?: Volume[]; containers?: { volumeMounts?: VolumeMount[] }[]; securityContext?: { fsGroup?: number } } | undefined;
      const fsGroup = spec?.securityContext?.fsGroup;
      const mounts: Mount[] = [];
      for (const mount of spec?.containers?.[0]?.volumeMounts ?? []) {
        const volume = spec?.volumes?.find((v) => v.name === mount.name);
        if (!volume) return { missing: `volume "${mount.name}" is not declared` };
        let hostPath: string;
        if (volume.persistentVolumeClaim) {
          const claim = volume.persistentVolumeClaim.claimName;
          if (!find("persistentvolumeclaims", claim)) return { missing: `persistentvolumeclaim "${claim}" not found` };
          hostPath = claimDir(pod.metadata.namespace ?? "", claim);
        } else if (volume.secret) {
          const secret = find("secrets", volume.secret.secretName);
          if (!secret) return { missing: `secret "${volume.secret.secretName}" not found` };
          hostPath = join(podDir(podKey), volume.name);
          mkdirSync(hostPath, { recursive: true, mode: 0o755 });
          const data = (secret.data ?? {}) as Record<string, string>;
          // `items` places chosen keys at paths (subdirectories too); without it every key is a file.
          const files = volume.secret.items ?? Object.keys(data).map((k) => ({ key: k, path: k, mode: undefined }));
          for (const item of files) {
            const value = data[item.key];
            if (value === undefined) return { missing: `secret "${volume.secret.secretName}" has no key "${item.key}"` };
            mkdirSync(join(hostPath, item.path, ".."), { recursive: true, mode: 0o755 });
            const file = join(hostPath, item.path);
            const mode = item.mode ?? volume.secret.defaultMode ?? 0o644;
            writeFileSync(file, Buffer.from(value, "base64"), { mode });
            if (fsGroup !== undefined) {
              chownSync(file, process.getuid?.() ?? 0, fsGroup);
              chmodSync(file, mode | 0o440);
            }
          }
        } else if (volume.emptyDir) {
          hostPath = join(podDir(podKey), volume.name);
          mkdirSync(hostPath, { recursive: true });
          chmodSync(hostPath, 0o777);
        } else {
          return { missing: `volume "${volume.name}" has a source the fake does not mount` };
        }
        if (mount.subPath) {
          hostPath = join(hostPath, mount.subPath);
          mkdirSync(hostPath, { recursive: true }); // the kubelet makes a missing subPath
          chmodSync(hostPath, 0o777); // writable by runAsUser, as fsGroup makes it on a cluster
        }
        mounts.push({ hostPath, mountPath: mount.mountPath, readOnly: mount.readOnly ?? Boolean(volume.secret) });
      }
      return { mounts };
    },
  };
}
