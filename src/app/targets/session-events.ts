/**
 * Session events for sessions in a container or Pod, on this machine's bus: their host
 * fires them inside the target, where the person's plugins are not; so the CLI (or control
 * plane) that starts, stops or sees the end of one tells the plugins configured here, with
 * the target in the payload. Plugins load only when some are configured.
 */
import type { SessionRecord } from "../../domain/session.ts";
import type { TargetHandle } from "../../domain/target.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins } from "../plugins.ts";

export type EventDeps = Partial<Pick<AppDeps, "config" | "log" | "importModule">>;

type Ended = { readonly exitCode: number | null; readonly signal: string | null };

/** `session:start` (no `ended`) or `session:exit` for a container session's record. */
export async function tellContainerSession(deps: EventDeps, session: SessionRecord, ended?: Ended): Promise<void> {
  const { config, log, importModule } = deps;
  if (!config || !log || config.plugins.length === 0 || session.target === undefined) return;
  const bus = createEventBus(log);
  await loadPlugins(config.plugins, bus, { home: config.paths.home, optionsByName: config.pluginOptions }, log, importModule);
  const target = (session.target as TargetHandle).kind;
  if (ended) await bus.emit("session:exit", { session, target, exitCode: ended.exitCode, signal: ended.signal });
  else await bus.emit("session:start", { session, target });
}
