import type { RemoteHooks } from "../../domain/hooks.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus, loadPlugins, type EventBus } from "../plugins.ts";

type PluginEventName = "plugin:add" | "plugin:remove" | "plugin:sync" | "plugin:drift";

/** Emits plugin events to user plugins (config `plugins`); they load once, on the first event, and not at all when none is configured. */
export type PluginEvents = { readonly emit: <N extends PluginEventName>(name: N, ...args: Parameters<RemoteHooks[N]>) => Promise<void> };

export function createPluginEvents(deps: Pick<AppDeps, "config" | "log" | "importModule">, bus?: EventBus): PluginEvents {
  let ready: Promise<EventBus> | undefined;
  const load = () =>
    (ready ??= (async () => {
      if (bus) return bus;
      const created = createEventBus(deps.log);
      await loadPlugins(deps.config.plugins, created, { home: deps.config.paths.home, optionsByName: deps.config.pluginOptions }, deps.log, deps.importModule);
      return created;
    })());
  return {
    emit: async (name, ...args) => {
      if (bus || deps.config.plugins.length > 0) await (await load()).emit(name, ...args);
    },
  };
}
