import type { NotifyConfig } from "../../domain/config.ts";
import type { RemotePlugin } from "../../domain/hooks.ts";
import type { ClockPort, DesktopNotifierPort, HttpPostPort } from "../../domain/ports.ts";
import type { EventBus } from "../plugins.ts";
import { notifyDesktop } from "./notify-desktop.ts";
import { notifyTerminal, type TellAttached } from "./notify-terminal.ts";
import { notifyWebhook } from "./notify-webhook.ts";

export type NotifierPorts = {
  /** undefined: no notifier on this machine (then notify_desktop is a logged no-op). */
  readonly desktop: () => DesktopNotifierPort | undefined;
  readonly http: HttpPostPort;
  readonly wait: (ms: number) => Promise<void>;
};

export type NotifierDeps = {
  readonly clock: ClockPort;
  readonly log: { readonly warn: (message: string) => void };
  /** REMOTE_HOME, the plugins' context. */
  readonly home: string;
  readonly tellAttached: TellAttached;
  /** Loaded only when the desktop or webhook notifier is on; undefined where this process has none. */
  readonly ports: (() => Promise<NotifierPorts>) | undefined;
};

/**
 * The built-in notifiers config.toml turns on, set up on `bus` like any plugin (each under
 * its own name, so a failing one is logged by name and never reaches the session).
 * Returns the names set up.
 */
export async function installNotifiers(bus: EventBus, config: NotifyConfig, deps: NotifierDeps): Promise<string[]> {
  const plugins: RemotePlugin[] = [];
  if (config.terminal) plugins.push(notifyTerminal(config, deps));
  if (config.desktop || config.webhook) {
    const ports = await deps.ports?.();
    if (!ports) deps.log.warn("notifications are on in config.toml but this process cannot send them (no notifier ports)");
    const desktop = config.desktop ? ports?.desktop() : undefined;
    if (config.desktop && ports && !desktop) deps.log.warn("notify_desktop is on but there is no notify-send (or osascript) on PATH: no desktop notifications");
    if (desktop) plugins.push(notifyDesktop(config, { clock: deps.clock, desktop }));
    if (config.webhook && ports) plugins.push(notifyWebhook({ ...config, webhook: config.webhook }, { clock: deps.clock, http: ports.http, wait: ports.wait }));
  }
  for (const plugin of plugins) await plugin.setup(bus.forPlugin(plugin.name), { home: deps.home, options: {} });
  return plugins.map((p) => p.name);
}
