import type { RemoteHooks } from "../../domain/hooks.ts";
import type { AppDeps } from "../deps.ts";

export type WorkspaceEventName = "workspace:push" | "workspace:pull" | "workspace:conflict";
export type WorkspaceEvents = { readonly emit: <N extends WorkspaceEventName>(name: N, event: Parameters<RemoteHooks[N]>[0]) => Promise<void> };

/** Workspace events to user plugins; plugins load once, on the first event (none configured: nothing loads, not even the bus). */
export function createWorkspaceEvents(deps: Pick<AppDeps, "config" | "log" | "importModule">): WorkspaceEvents {
  let ready: ReturnType<typeof import("../plugins.ts").createEventBus> | undefined;
  let loading: Promise<void> | undefined;
  return {
    emit: async (name, event) => {
      if (deps.config.plugins.length === 0) return;
      const { createEventBus, loadPlugins } = await import("../plugins.ts");
      ready ??= createEventBus(deps.log);
      const bus = ready;
      await (loading ??= loadPlugins(deps.config.plugins, bus, { home: deps.config.paths.home, optionsByName: deps.config.pluginOptions }, deps.log, deps.importModule).then(() => {}));
      await bus.emit(name, ...([event] as unknown as Parameters<RemoteHooks[typeof name]>));
    },
  };
}
