import { errorMessage } from "../domain/errors.ts";
import { createHooks } from "hookable";
import type { PluginHooks, RemoteHookName, RemoteHooks, RemotePlugin } from "../domain/hooks.ts";
import type { LogPort } from "../domain/ports.ts";

export type EventBus = PluginHooks & {
  /** Runs every handler; a failing plugin is logged with its name and never breaks the caller. */
  readonly emit: <N extends RemoteHookName>(name: N, ...args: Parameters<RemoteHooks[N]>) => Promise<void>;
  /** The hooks object handed to one plugin: its handlers are wrapped with its name. */
  readonly forPlugin: (pluginName: string) => PluginHooks;
};

export function createEventBus(log: LogPort): EventBus {
  const hooks = createHooks<RemoteHooks>();
  const guarded = (owner: string) => <N extends RemoteHookName>(name: N, handler: RemoteHooks[N]) =>
    hooks.hook(name, (async (...args: unknown[]) => {
      try {
        await (handler as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        log.warn(`plugin '${owner}' failed on ${name}: ${errorMessage(error)}`);
      }
    }) as never);
  return {
    hook: guarded("app"),
    forPlugin: (pluginName) => ({ hook: guarded(pluginName) }),
    emit: async (name, ...args) => {
      await hooks.callHookParallel(name, ...args);
    },
  };
}

/** Loads each plugin module by absolute path (works in the compiled binary) and runs its setup. */
export async function loadPlugins(
  paths: readonly string[],
  bus: EventBus,
  context: { readonly home: string; readonly optionsByName: Readonly<Record<string, Readonly<Record<string, unknown>>>> },
  log: LogPort,
  importModule: (path: string) => Promise<unknown> = (path) => import(path),
): Promise<string[]> {
  const loaded: string[] = [];
  for (const path of paths) {
    try {
      const mod = (await importModule(path)) as { default?: unknown; plugin?: unknown };
      const plugin = (mod.default ?? mod.plugin) as RemotePlugin | undefined;
      if (!plugin || typeof plugin.setup !== "function" || typeof plugin.name !== "string") {
        log.warn(`plugin at '${path}' does not export { name, setup }: skipped`);
        continue;
      }
      await plugin.setup(bus.forPlugin(plugin.name), { home: context.home, options: context.optionsByName[plugin.name] ?? {} });
      loaded.push(plugin.name);
    } catch (error) {
      log.warn(`plugin at '${path}' failed to load: ${errorMessage(error)}`);
    }
  }
  return loaded;
}

/** Emits to user plugins from a short-lived command: plugins load once, on the first event; none configured, nothing loads. */
export function createLazyEvents(deps: { readonly config: { readonly plugins: readonly string[]; readonly pluginOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>; readonly paths: { readonly home: string } }; readonly log: LogPort; readonly importModule: (path: string) => Promise<unknown> }) {
  let ready: Promise<EventBus> | undefined;
  return async <N extends RemoteHookName>(name: N, ...args: Parameters<RemoteHooks[N]>): Promise<void> => {
    if (deps.config.plugins.length === 0) return;
    ready ??= (async () => {
      const bus = createEventBus(deps.log);
      await loadPlugins(deps.config.plugins, bus, { home: deps.config.paths.home, optionsByName: deps.config.pluginOptions }, deps.log, deps.importModule);
      return bus;
    })();
    await (await ready).emit(name, ...args);
  };
}
