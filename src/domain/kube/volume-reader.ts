/**
 * The short-lived Pod that reads an ended session's claim (its agent exited, crashed, was
 * OOMKilled: nothing can be exec'd in it any more): the session's image and user, the claim
 * mounted at the very paths the session had (path parity), idling so the control plane can
 * exec our in-container helpers (`remote __pack`, `remote __conversation stage`) in it, and
 * deleted after. It carries the session's labels with another component (session-labels.ts):
 * deleting the session's objects takes it too, listing sessions never takes it for one.
 */
import { podRemoteHome, SESSION_ENV } from "./entrypoint.ts";
import { sessionObjectNames, validateNamespace } from "./names.ts";
import type { KubeObject } from "./objects.ts";
import { absolutePath, claimMounts } from "./session-manifests.ts";
import { containerSecurityContext, podSecurityContext, tmpMount, tmpVolume } from "./security.ts";
import { volumeReaderLabels } from "../session-labels.ts";

export type VolumeReaderSpec = {
  readonly sessionId: string;
  readonly profile: string;
  readonly image: string;
  readonly namespace: string;
  /** The session's own paths (as its Pod mounted them). */
  readonly workspace: string;
  readonly home: string;
};

/** A reader left running (an interrupted read) ends by itself after this long. */
export const READER_IDLE_SECONDS = 600;

export function renderVolumeReaderPod(spec: VolumeReaderSpec): KubeObject {
  const names = sessionObjectNames(spec.sessionId);
  const home = absolutePath("HOME", spec.home);
  const workspace = absolutePath("the workspace", spec.workspace);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: names.reader, namespace: validateNamespace(spec.namespace), labels: volumeReaderLabels(spec.sessionId, spec.profile) },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // `sleep` as PID 1 ignores TERM: nothing to wait for.
      terminationGracePeriodSeconds: 0,
      securityContext: podSecurityContext,
      containers: [
        {
          name: "reader",
          image: spec.image,
          imagePullPolicy: "IfNotPresent",
          command: ["sleep", String(READER_IDLE_SECONDS)],
          workingDir: home,
          env: [
            { name: "HOME", value: home },
            { name: SESSION_ENV.remoteHome, value: podRemoteHome(home) },
          ],
          resources: { requests: { cpu: "50m", memory: "128Mi" } },
          securityContext: containerSecurityContext,
          volumeMounts: [...claimMounts(workspace, home).map((m) => ({ name: "data", ...m })), tmpMount],
        },
      ],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: names.volume } }, tmpVolume],
    },
  };
}
