import { defineCommand } from "../define-command.ts";
import { json, table, type CliContext } from "../context.ts";
import { listSessions } from "../../sessions/find.ts";
import { toSessionJson } from "../../server/session-json.ts";
import { isRemoteError } from "../../../domain/errors.ts";
import type { AppDeps } from "../../deps.ts";
import { resolveRemote, type RemoteChoice } from "../../remote/config.ts";
import { jsonArg } from "./_shared.ts";
import { describeState } from "../../../domain/session-lifecycle.ts";
import { describeAgent } from "../../../domain/agent-state/view.ts";
import { kubernetesPlacement } from "../../../domain/target.ts";
import { remoteArgs, where } from "./_remote.ts";

const SOURCE = { flag: "--remote", env: "REMOTE_URL", config: "config.toml" } as const;

/** A configured remote that may not be used (plain http off loopback) must not hide the local sessions: a warning, as for an unreachable one. */
function configuredOrGiven(deps: AppDeps, args: RemoteChoice) {
  try {
    return resolveRemote(deps, args);
  } catch (error) {
    if (args.remote !== undefined || !isRemoteError(error) || error.code !== "INSECURE_REMOTE") throw error;
    deps.stderr(`warning: ${error.message} (${error.hint})\n`);
    return undefined;
  }
}

/** `--target docker|kubernetes` (+ --context/--namespace for kubernetes): where to look for sessions by label. Loaded only when asked (ls is a quick path). */
async function discoverWhere(args: { target?: string | undefined; context?: string | undefined; namespace?: string | undefined }): Promise<{ target: "docker" | "kubernetes"; context?: string | undefined; namespace?: string | undefined } | undefined> {
  if (args.target === undefined && args.context === undefined && args.namespace === undefined) return undefined;
  const { checkTargetFlags, parseTargetName } = await import("../../../domain/target-name.ts");
  const { validateNamespace } = await import("../../../domain/kube/names.ts");
  const target = parseTargetName(args.target);
  checkTargetFlags(target, [...(args.context === undefined ? [] : ["--context"]), ...(args.namespace === undefined ? [] : ["--namespace"])]);
  if (target === "local") return undefined;
  return { target, context: args.context, namespace: args.namespace === undefined ? undefined : validateNamespace(args.namespace) };
}

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List sessions (running, and exited ones until pruned), here and on the configured or given remote." },
    args: {
      json: jsonArg,
      ...remoteArgs,
      target: { type: "string", description: "Also find sessions on docker or kubernetes by their labels (a lost store, another REMOTE_HOME) and record them here", valueHint: "target" },
      context: { type: "string", description: "With --target kubernetes: the kube context (default: the current one)" },
      namespace: { type: "string", description: "With --target kubernetes: the namespace (default: config kube_namespace)" },
    },
    run: async ({ args }) => {
      const discover = await discoverWhere(args);
      const deps = ctx.deps();
      if (discover) {
        const found = await (await import("../../targets/rediscover.ts")).rediscoverSessions(deps, kubernetesPlacement(discover, deps.config.kube.namespace) ?? "docker");
        if (found.length > 0) deps.stderr(`found ${found.length} session${found.length === 1 ? "" : "s"} on ${discover.target} by their labels: ${found.join(", ")}\n`);
      } else {
        // Reads only (until a write): the records come from the running host server, no SQLite open here.
        await deps.readStoreFromHost?.();
      }
      // Container sessions are asked how they are only when there are some (an engine call).
      const hasContainers = deps.store().list().some((r) => r.target !== undefined && r.state === "running");
      const fresh = hasContainers ? await (await import("../../targets/container-sessions.ts")).listFreshSessionsWithAgents(deps) : listSessions(deps);
      // Plugins (issue 11): a session whose last sync or check found drift is marked.
      const drifted = fresh.some((s) => s.meta.plugins !== undefined) ? (await import("../../plugins/drift-mark.ts")).pluginDriftMarker(deps) : () => false;
      const local = fresh.map((s) => ({ ...toSessionJson(s), state: s.view as string, location: "local", ...(drifted(s) ? { pluginDrift: true } : {}) }));
      const target = configuredOrGiven(deps, args);
      const remote = target ? await (await import("../../remote/sessions.ts")).listRemoteSessions(target) : undefined;
      // An unreachable remote must not hide the local sessions: warn and go on.
      if (remote?.warning) deps.stderr(`warning: ${remote.warning}\n`);
      // Which control plane was asked (and why that one): for a person at a terminal; scripts read each row's `remote`.
      if (target && remote && !remote.warning && process.stderr.isTTY) deps.stderr(`asked remote ${target.url} (${SOURCE[target.source]}): ${remote.sessions.length} session(s) on ${where(target.url)}\n`);
      const sessions = [...local, ...(remote?.sessions ?? []).map((s) => ({ ...s, remote: target?.url, exitCode: s.exitCode ?? null, signal: s.signal ?? null, pid: s.pid ?? null, endedAt: s.endedAt ?? null, reason: s.reason ?? null }))];
      if (args.json) return deps.stdout(json(sessions));
      if (sessions.length === 0) return deps.stderr("no sessions: start one with `remote run shell`\n");
      const now = deps.clock.now().getTime();
      // A live session says what its agent does and for how long (`waiting 3m`), or what its engine says of a container
      // that is not plainly running (pending: ImagePullBackOff, waiting: CrashLoopBackOff); an ended one how it ended.
      // (A container's agent signals stay in the container: "starting" there only means none reached us, so it reads "running".)
      const inContainer = (s: (typeof sessions)[number]) => ((s as { target?: string }).target ?? "local") !== "local";
      const agentWord = (s: (typeof sessions)[number]) => (s.agent && !(inContainer(s) && s.agent.state === "starting") ? describeAgent(s.agent, now) : undefined);
      const live = (s: (typeof sessions)[number]) => (s as { targetState?: string | null }).targetState || agentWord(s);
      const state = (s: (typeof sessions)[number]) => ((s.state === "running" && live(s)) || describeState(s)) + ("pluginDrift" in s && s.pluginDrift ? " (plugin drift)" : "");
      const row = (s: (typeof sessions)[number]) => [s.id, s.name, s.profile + (s.source === "hook" ? " (hook)" : ""), (s as { target?: string }).target ?? "local", state(s), String(s.pid ?? "-"), String(s.clients), s.createdAt.replace("T", " ").slice(0, 19), s.cwd];
      const header = ["ID", "NAME", "PROFILE", "TARGET", "STATE", "PID", "CLIENTS", "CREATED", "CWD"];
      // LOCATION only when a remote is in play: a local-only listing looks as it always did.
      deps.stdout(target ? table(["LOCATION", ...header], sessions.map((s) => [s.location, ...row(s)])) : table(header, sessions.map(row)));
    },
  });
