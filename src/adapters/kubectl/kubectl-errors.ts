/**
 * kubectl's complaints (its stderr) read into our errors: one code and hint per thing a
 * person can fix (an unknown context, a namespace they may not use, a missing object, an
 * unreachable or unauthenticated cluster). Pure: text in, RemoteError out.
 */
import { RemoteError } from "../../domain/errors.ts";

/** kubectl's own failure lines, as opposed to what a remote command wrote on stderr (klog's "E1201 ..." lines are noise). */
const kubectlLine = /^(?:Error from server(?: \(\w+\))?: |error: |Error in configuration: |Unable to connect to the server: )/;

/** The last line that is kubectl's own complaint, if any. */
export function kubectlComplaint(stderr: string): string | undefined {
  return stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => kubectlLine.test(l))
    .at(-1);
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}...` : text);

/** `action` reads after "Cannot", e.g. "apply pod/remote-x in namespace 'team'". */
export function kubectlError(action: string, stderr: string, scope: { readonly context?: string | undefined; readonly namespace?: string | undefined }): RemoteError {
  const line = kubectlComplaint(stderr) ?? stderr.trim().split("\n").at(-1) ?? "";
  const context = /context was not found for specified context: (\S+)|context "([^"]+)" does not exist/.exec(stderr);
  if (context) {
    const name = context[1] ?? context[2] ?? scope.context ?? "";
    return new RemoteError("KUBE_CONTEXT_UNKNOWN", `Cannot use kube context '${name}': no such context in the kubeconfig`, "List contexts with `kubectl config get-contexts` (KUBECONFIG picks the file) and pass one with --context.", "usage");
  }
  const reason = /error from server \((\w+)\)/i.exec(line)?.[1];
  if (reason === "Forbidden") {
    const namespace = /in the namespace "([^"]+)"/.exec(line)?.[1] ?? scope.namespace ?? "default";
    return new RemoteError(
      "KUBE_FORBIDDEN",
      `Cannot ${action}: forbidden in namespace '${namespace}' for this kube user`,
      `Ask for a Role in '${namespace}' allowing pods, pods/exec, pods/log, persistentvolumeclaims and secrets, or pick another namespace with --namespace.`,
      "unauthorized",
    );
  }
  if (reason === "NotFound") return new RemoteError("KUBE_NOT_FOUND", `Cannot ${action}: ${clip(line.replace(/^(?:error: )?error from server \(NotFound\): /i, ""))}`, "List what exists with `remote ls`; it may have been deleted outside remote.", "not-found");
  if (reason === "AlreadyExists") return new RemoteError("KUBE_ALREADY_EXISTS", `Cannot ${action}: ${clip(line.replace(/^(?:error: )?error from server \(AlreadyExists\): /i, ""))}`, "Remove the old one first, or pick another name.", "conflict");
  if (/You must be logged in|Unauthorized|provide credentials/.test(stderr)) {
    return new RemoteError("KUBE_UNAUTHORIZED", `Cannot ${action}: the cluster did not accept this kube user's credentials`, "Log in again for this context (for example `gcloud container clusters get-credentials`), then retry.", "unauthorized");
  }
  if (/Unable to connect to the server|connection refused|no such host|i\/o timeout/.test(stderr)) {
    return new RemoteError("KUBE_UNREACHABLE", `Cannot ${action}: the cluster's API server does not answer`, "Check the context's server with `kubectl cluster-info` and your network.", "unavailable");
  }
  return new RemoteError("KUBECTL_FAILED", `Cannot ${action}: ${clip(line) || "kubectl failed"}`, "Run the same with `kubectl` by hand to see the whole output.", "unavailable");
}

export const kubectlMissing = (command: string): RemoteError =>
  new RemoteError("KUBECTL_MISSING", `Cannot run '${command}': not found on PATH`, "Install kubectl (https://kubernetes.io/docs/tasks/tools/, or `gcloud components install kubectl`) and put it on PATH.", "unavailable");
