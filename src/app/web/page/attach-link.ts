/// <reference lib="dom" />
/**
 * The page's end of an attach: the browser's WebSocket with the token offered as the
 * subprotocol `bearer.<token>` (a browser cannot set headers on a WebSocket), driving the
 * same reconnecting link `remote attach --remote` uses (src/app/remote/attach-link.ts),
 * whose events become what the page shows.
 */
import type { ExitInfo, Welcome } from "../../../domain/host-protocol.ts";
import { openAttachLink as openLink, timerScheduler, type AttachLink as Link, type AttachLinkEvent, type AttachLinkOptions } from "../../remote/attach-link.ts";

/** The subprotocol the server answers with; `bearer.<token>` is offered beside it. */
export const WS_PROTOCOL = "remote.v1";

export type LinkEvent =
  | { readonly kind: "attached"; readonly welcome: Welcome; readonly reconnected: boolean }
  | { readonly kind: "reconnecting"; readonly inMs: number }
  | { readonly kind: "exited"; readonly exit: ExitInfo }
  /** Given up for good: the session is lost, the token was refused, or the upgrade keeps failing. */
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

export type LinkOptions = Pick<AttachLinkOptions, "clientId" | "size" | "probe" | "onData"> & {
  readonly sessionId: string;
  readonly token: string;
  readonly onEvent: (event: LinkEvent) => void;
};

export type AttachLink = Pick<Link, "sendInput" | "resize" | "close" | "offset">;

export function attachUrl(location: Location, sessionId: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/sessions/${encodeURIComponent(sessionId)}/attach`;
}

/** What the page shows for a link event (undefined: nothing to show). */
function pageEvent(event: AttachLinkEvent): LinkEvent | undefined {
  switch (event.kind) {
    case "attached":
    case "reconnecting":
    case "exited":
      return event;
    case "dropped":
      return undefined; // "reconnecting" follows at once
    case "lost":
      return { kind: "failed", code: "SESSION_LOST", message: "The session's host is gone (its machine restarted or it was killed)" };
    case "failed":
      return { kind: "failed", code: event.code, message: event.probe.kind === "unreachable" ? "Cannot reach the control plane" : `The control plane refused the attach (${event.code})` };
    case "unopenable":
      // A subprotocol must be a plain token: anything else cannot be a valid token either.
      return { kind: "failed", code: "UNAUTHORIZED", message: "The token has characters a WebSocket cannot carry" };
  }
}

export function openAttachLink(options: LinkOptions): AttachLink {
  const link = openLink({
    open: () => new WebSocket(attachUrl(window.location, options.sessionId), [WS_PROTOCOL, `bearer.${options.token}`]),
    clientId: options.clientId,
    size: options.size,
    probe: options.probe,
    scheduler: timerScheduler,
    random: Math.random,
    onData: options.onData,
    onEvent: (event) => {
      const shown = pageEvent(event);
      if (shown) options.onEvent(shown);
    },
  });
  return { sendInput: link.sendInput, resize: link.resize, close: link.close, offset: link.offset };
}
