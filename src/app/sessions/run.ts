import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { DESIRED_MANIFEST } from "../../domain/plugins/home-layout.ts";
import { socketPathFor } from "../../domain/config.ts";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { envWithOwnHome } from "../../domain/session-home.ts";
import { cliNotFound, interactiveCommand, type CliProfile } from "../../domain/profiles.ts";
import { startingRecord, type SessionRecord, type SessionRunBasics } from "../../domain/session.ts";
import { SessionStartError, isFinal } from "../../domain/session-lifecycle.ts";
import type { AppDeps } from "../deps.ts";
import { attachSession, type AttachOutcome } from "./attach.ts";

export type RunOptions = SessionRunBasics & {
  readonly detach?: boolean | undefined;
  /**
   * Gives the session a HOME of its own: runs once the session is recorded and before its
   * agent starts (e.g. puts credential files there) and returns that directory, which
   * replaces the person's HOME in the agent's environment.
   */
  readonly prepareHome?: ((sessionId: string) => string | undefined | Promise<string | undefined>) | undefined;
  /** Added to the environment the agent gets. */
  readonly env?: Readonly<Record<string, string>> | undefined;
};

export type RunPlan = { readonly command: string; readonly args: readonly string[]; readonly cwd: string };

/** What would be spawned, without spawning: `remote run --dry-run`. */
export function planRun(deps: Pick<AppDeps, "env" | "cwd">, options: RunOptions): RunPlan & { profile: CliProfile } {
  const cwd = resolve(deps.cwd, options.cwd ?? ".");
  const spec = interactiveCommand(
    options.profile,
    { resume: options.resume, model: options.model, effort: options.effort, extraArgs: options.args ?? [] },
    { SHELL: deps.env.SHELL },
  );
  return { profile: spec.profile, command: spec.command, args: spec.args, cwd };
}

export type RunResult = { readonly session: SessionRecord; readonly attached?: AttachOutcome };

export async function runSession(deps: AppDeps, options: RunOptions): Promise<RunResult> {
  const plan = planRun(deps, options);
  if (!existsSync(plan.cwd) || !statSync(plan.cwd).isDirectory()) {
    throw new RemoteError("CWD_MISSING", `Cannot start a session in '${plan.cwd}': no such directory`, "Pass an existing directory with --cwd.", "usage");
  }
  // Say so now, not as a session that died before it was ready.
  if (deps.process.which(plan.command, deps.env.PATH) === undefined) throw cliNotFound(plan.profile, plan.command);
  const id = deps.random.id(8);
  const record = startingRecord({
    id,
    name: options.name,
    profile: plan.profile,
    command: plan.command,
    args: plan.args,
    cwd: plan.cwd,
    socketPath: socketPathFor(deps.config.paths, id),
    createdAt: deps.clock.now().toISOString(),
    launcher: deps.process.identify(process.pid),
    meta: options.meta,
  });
  const store = deps.store();
  store.insert(record);
  let host;
  try {
    const env = { ...deps.env, ...options.env };
    const home = await options.prepareHome?.(id);
    const sessionHome = home ?? deps.env.HOME;
    // Plugins (issue 11) before the agent starts; one stat when there are none.
    if (sessionHome !== undefined && existsSync(join(deps.config.paths.home, DESIRED_MANIFEST))) {
      const { convergeAtStart, pathWithPluginBins } = await import("../plugins/start.ts");
      await convergeAtStart(deps, { kind: "local", home: sessionHome }, record.name);
      env.PATH = pathWithPluginBins(sessionHome, env.PATH);
    }
    host = await deps.launcher.launch(id, home === undefined ? env : envWithOwnHome(env, home, deps.config.paths.home), deps.terminal.size());
  } catch (error) {
    settleFailedStart(deps, id, error instanceof SessionStartError ? error.reason : errorMessage(error));
    throw error;
  }
  const session = store.update(id, { host }) ?? record;
  if (options.detach) return { session };
  return { session, attached: await attachSession(deps, id) };
}

/**
 * A start that failed ends `failed` with its reason, unless the host recorded a truer
 * ending itself. The agent it may have started before being killed goes with it.
 */
function settleFailedStart(deps: Pick<AppDeps, "store" | "clock" | "process">, id: string, reason: string): void {
  let settled = false;
  const after = deps.store().mutate(id, (current) => {
    if (isFinal(current.state)) return undefined;
    settled = true;
    return { state: "failed", reason, endedAt: deps.clock.now().toISOString(), clients: 0 };
  });
  const agent = after?.agent;
  if (settled && agent !== undefined && deps.process.isAlive(agent)) deps.process.signal(agent.pid, "SIGKILL", true);
}
