/// <reference lib="dom" />
/**
 * Web Notifications when a session starts to need the person. Only after they asked for
 * them (a tap on the bell: browsers grant permission only from a gesture), and only
 * where the browser has them (a secure context). Chrome on Android has no page-made
 * `new Notification` (it throws): the page then says it in its status line instead.
 */
export type WebNotifier = {
  readonly supported: boolean;
  readonly enabled: () => boolean;
  /** From a tap: asks for permission; resolves whether notifications are on now. */
  readonly enable: () => Promise<boolean>;
  /** Shows one (replacing an older one of the same session); false when it could not. */
  readonly show: (title: string, body: string, tag: string, onClick: () => void) => boolean;
};

export function createWebNotifier(): WebNotifier {
  const supported = typeof Notification !== "undefined" && window.isSecureContext;
  return {
    supported,
    enabled: () => supported && Notification.permission === "granted",
    enable: async () => supported && (await Notification.requestPermission()) === "granted",
    show: (title, body, tag, onClick) => {
      if (!supported || Notification.permission !== "granted") return false;
      try {
        const shown = new Notification(title, { body, tag });
        shown.onclick = () => {
          window.focus();
          onClick();
          shown.close();
        };
        return true;
      } catch {
        return false;
      }
    },
  };
}
