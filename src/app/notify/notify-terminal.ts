import type { NotifyConfig } from "../../domain/config.ts";
import { definePlugin, type RemotePlugin } from "../../domain/hooks.ts";
import { terminalNotification } from "../../domain/notify/terminal-sequence.ts";
import type { ClockPort } from "../../domain/ports.ts";
import { notifyGate } from "./notify-gate.ts";

/** Writes bytes to the terminals attached to a session (outside its output); how many got them. */
export type TellAttached = (sessionId: string, data: Uint8Array) => number;

/**
 * config.toml notify_terminal: OSC 9 and OSC 777 to the terminals attached to the session
 * (`remote attach`, the browser view), so the person's terminal emulator raises its own
 * notification even when that window is in the background.
 */
export const notifyTerminal = (config: NotifyConfig, deps: { readonly clock: ClockPort; readonly tellAttached: TellAttached }): RemotePlugin =>
  definePlugin({
    name: "notify-terminal",
    setup(hooks) {
      const gate = notifyGate(config, deps.clock);
      const encoder = new TextEncoder();
      hooks.hook("session:state", (event) => {
        const notification = gate(event);
        if (notification) deps.tellAttached(event.session.id, encoder.encode(terminalNotification(notification.title, notification.body)));
      });
    },
  });
