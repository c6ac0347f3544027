/// <reference lib="dom" />
/**
 * The session list's rows: who needs the person first, each with its state badge
 * (`waiting 3m`), its profile and clients. A row attaches on click; ended sessions
 * stay listed, disabled, at the bottom.
 */
import type { ApiSession } from "./api.ts";
import { badgeState, badgeText, needsYouFirst } from "./session-order.ts";

export function sessionRows(sessions: readonly ApiSession[], options: { readonly attachedId: string | undefined; readonly nowMs: number; readonly onPick: (session: ApiSession) => void }): HTMLLIElement[] {
  return needsYouFirst(sessions).map((session) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.sessionId = session.id;
    button.title = `${session.id}\n${session.cwd}`;
    button.disabled = session.state !== "running";
    if (options.attachedId === session.id) button.setAttribute("aria-current", "true");
    const top = document.createElement("span");
    top.className = "session-top";
    const name = document.createElement("span");
    name.className = "session-name";
    name.textContent = session.name;
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.dataset.state = badgeState(session);
    badge.textContent = badgeText(session, options.nowMs);
    top.append(name, badge);
    const meta = document.createElement("span");
    meta.className = "session-meta";
    meta.textContent = session.state === "running" ? `${session.profile} · ${session.clients} client${session.clients === 1 ? "" : "s"}` : session.profile;
    button.append(top, meta);
    button.addEventListener("click", () => options.onPick(session));
    const item = document.createElement("li");
    item.append(button);
    return item;
  });
}
