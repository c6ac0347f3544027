/**
 * A Pod (as `kubectl get -o json` prints it) read into the state `ls` shows: the phase, and
 * the reason a person acts on: the first container's waiting reason (ImagePullBackOff,
 * CrashLoopBackOff, ContainerCreating), else its termination (OOMKilled, Error, Completed
 * with the exit code), else for a container waiting to restart, why it last ended.
 */
import type { PodState } from "../../domain/kubectl-port.ts";

type ContainerState = { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; message?: string; exitCode?: number }; running?: object };
type PodJson = {
  metadata?: { name?: string; labels?: Record<string, string>; creationTimestamp?: string };
  spec?: { containers?: { image?: string; env?: { name: string; value?: string }[] }[] };
  status?: { phase?: string; reason?: string; message?: string; containerStatuses?: { ready?: boolean; restartCount?: number; state?: ContainerState; lastState?: ContainerState }[] };
};

export function podState(pod: PodJson): PodState {
  const container = pod.status?.containerStatuses?.[0];
  const state = container?.state;
  const last = container?.lastState?.terminated;
  const ended = state?.terminated ?? (state?.waiting ? last : undefined);
  const reason = state?.waiting?.reason ?? state?.terminated?.reason ?? pod.status?.reason;
  const message = state?.waiting?.message ?? state?.terminated?.message ?? pod.status?.message;
  return {
    name: pod.metadata?.name ?? "",
    labels: pod.metadata?.labels ?? {},
    phase: pod.status?.phase ?? "Unknown",
    container: state?.waiting ? "waiting" : state?.running ? "running" : state?.terminated ? "terminated" : "none",
    ready: container?.ready ?? false,
    restarts: container?.restartCount ?? 0,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    ...(ended?.exitCode !== undefined ? { exitCode: ended.exitCode } : {}),
    ...(state?.waiting && last?.reason ? { lastReason: last.reason } : {}),
    ...(pod.metadata?.creationTimestamp ? { createdAt: pod.metadata.creationTimestamp } : {}),
    ...(pod.spec?.containers?.[0]?.image ? { image: pod.spec.containers[0].image } : {}),
    env: Object.fromEntries((pod.spec?.containers?.[0]?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]]))),
  };
}

/** `kubectl get pods -o json` output: a List. */
export const podStates = (listJson: string): PodState[] => ((JSON.parse(listJson) as { items?: PodJson[] }).items ?? []).map(podState);
