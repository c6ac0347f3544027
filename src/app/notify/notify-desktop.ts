import type { NotifyConfig } from "../../domain/config.ts";
import { definePlugin, type RemotePlugin } from "../../domain/hooks.ts";
import type { ClockPort, DesktopNotifierPort } from "../../domain/ports.ts";
import { notifyGate } from "./notify-gate.ts";

/** config.toml notify_desktop: a desktop notification through notify-send or osascript. */
export const notifyDesktop = (config: NotifyConfig, deps: { readonly clock: ClockPort; readonly desktop: DesktopNotifierPort }): RemotePlugin =>
  definePlugin({
    name: "notify-desktop",
    setup(hooks) {
      const gate = notifyGate(config, deps.clock);
      hooks.hook("session:state", async (event) => {
        const notification = gate(event);
        // A permission prompt blocks the agent until answered: it stays on screen (ntfy priority 4+).
        if (notification) await deps.desktop.notify(notification.title, notification.body, notification.priority >= 4);
      });
    },
  });
