/**
 * The cluster, reached only through kubectl (SPEC §11): argv arrays, `--context` and
 * `--namespace` from the scope, KUBECONFIG and PATH from the env the wiring passes in.
 * Objects travel as JSON on stdin (`-f -`), never on the command line, so a Secret's
 * data never shows in `ps`. Apply is server-side (`--field-manager=remote`): the API
 * server merges, and a re-apply on refresh takes over only the fields we set.
 */
import type { KubeExec, KubeKind, KubeObjectData, KubeScope, KubectlPort } from "../../domain/kubectl-port.ts";
import { kubectlComplaint, kubectlError, kubectlMissing } from "./kubectl-errors.ts";
import { podStates } from "./pod-state.ts";

export type KubectlOptions = {
  /** Environment of every kubectl (KUBECONFIG, PATH, HOME for ~/.kube/config). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default "kubectl" */
  readonly command?: string;
};

const selector = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
const where = (scope: KubeScope) => (scope.namespace ? ` in namespace '${scope.namespace}'` : "");
const names = (objects: readonly KubeObjectData[]) => objects.map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`).join(", ");

export function createKubectl(options: KubectlOptions): KubectlPort {
  const command = options.command ?? "kubectl";
  const env = Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined));
  /** Resolved on each call: PATH is the env's, and a kubectl installed later is found. */
  const resolve = () => {
    const path = command.includes("/") ? command : Bun.which(command, { PATH: env.PATH ?? "" });
    if (!path) throw kubectlMissing(command);
    return path;
  };
  const argv = (scope: KubeScope, args: readonly string[]) => [resolve(), ...(scope.context ? ["--context", scope.context] : []), ...(scope.namespace ? ["--namespace", scope.namespace] : []), ...args];

  const run = async (action: string, scope: KubeScope, args: readonly string[], stdin?: string): Promise<string> => {
    const proc = Bun.spawn(argv(scope, args), { env, stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) throw kubectlError(action, stderr, scope);
    return stdout;
  };
  // A stream of JSON documents, not a v1 List: kubectl checks field validation per kind,
  // and a List is no kind the server's OpenAPI names.
  const list = (objects: readonly KubeObjectData[]) => objects.map((o) => JSON.stringify(o)).join("\n");

  return {
    apply: async (objects, scope) => {
      await run(`apply ${names(objects)}${where(scope)}`, scope, ["apply", "--server-side", "--field-manager=remote", "--force-conflicts", "-f", "-"], list(objects));
    },
    create: async (objects, scope) => {
      await run(`create ${names(objects)}${where(scope)}`, scope, ["create", "-f", "-"], list(objects));
    },
    pods: async (labels, scope) => podStates(await run(`list pods labelled ${selector(labels)}${where(scope)}`, scope, ["get", "pods", "--selector", selector(labels), "--output", "json"])),
    get: async (kind, name, scope) => {
      const out = await run(`read ${kind}/${name}${where(scope)}`, scope, ["get", kind, name, "--ignore-not-found", "--output", "json"]);
      return out.trim() === "" ? undefined : (JSON.parse(out) as KubeObjectData);
    },
    deleteByLabel: async (kinds: readonly KubeKind[], labels, scope, deleteOptions = {}) => {
      // Without `wait`, --wait=false: the API server has accepted the deletion; a Pod's grace period is not ours to sit through.
      const wait = deleteOptions.wait ? ["--wait=true", "--timeout=120s"] : ["--wait=false"];
      await run(`delete ${kinds.join(",")} labelled ${selector(labels)}${where(scope)}`, scope, ["delete", kinds.join(","), "--selector", selector(labels), "--ignore-not-found", ...wait]);
    },
    exec: (pod, command, scope, execOptions = {}) => {
      const args = ["exec", "--stdin", ...(execOptions.container ? ["--container", execOptions.container] : []), pod, "--", ...command];
      const proc = Bun.spawn(argv(scope, args), { env, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
      let stderr = "";
      const drained = (async () => {
        const reader = proc.stderr.getReader();
        const decoder = new TextDecoder();
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          const text = decoder.decode(r.value, { stream: true });
          stderr += text;
          execOptions.onStderr?.(text);
        }
      })();
      const exited = Promise.all([proc.exited, drained]).then(([code]) => {
        // kubectl passes the remote exit code through ("command terminated with exit code N");
        // anything else non-zero with a kubectl complaint is kubectl's own failure.
        if (code === 0 || /command terminated with exit code \d+\s*$/.test(stderr) || !kubectlComplaint(stderr)) return code;
        throw kubectlError(`exec in pod '${pod}'${where(scope)}`, stderr, scope);
      });
      const exec: KubeExec = {
        stdout: proc.stdout,
        // kubectl may be gone already (a cut, a deleted Pod): `exited` says why, so a write
        // into a closed pipe is dropped here rather than thrown at the writer.
        write: (data) => {
          Promise.resolve()
            .then(() => {
              proc.stdin.write(data);
              return proc.stdin.flush();
            })
            .catch(() => undefined);
        },
        end: () => {
          Promise.resolve()
            .then(() => proc.stdin.end())
            .catch(() => undefined);
        },
        kill: () => proc.kill("SIGKILL"),
        exited,
        stderr: () => stderr,
      };
      return exec;
    },
    logs: (pod, scope, logOptions = {}) =>
      run(`read the logs of pod '${pod}'${where(scope)}`, scope, ["logs", ...(logOptions.container ? ["--container", logOptions.container] : []), ...(logOptions.tailLines !== undefined ? ["--tail", String(logOptions.tailLines)] : []), pod]),
  };
}
