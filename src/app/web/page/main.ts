/// <reference lib="dom" />
/**
 * The browser view, made for a phone as much as a desk: asks for the control plane's
 * token once (kept in this tab's sessionStorage), lists the sessions who-needs-you-first
 * with their agent state, starts a session of any profile, and shows one session's
 * terminal (xterm.js) attached over the same WebSocket `remote attach --remote` uses,
 * with a key bar (Esc, Tab, sticky Ctrl, arrows, Ctrl+C, copy, paste) for touch screens
 * and Web Notifications when a session starts waiting.
 */
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import type { SessionProbe } from "../../../domain/reconnect.ts";
import { CLI_PROFILES } from "../../../domain/profiles.ts";
import { ApiError, createApi, type ApiSession } from "./api.ts";
import { openAttachLink, type AttachLink, type LinkEvent } from "./attach-link.ts";
import { clipSheet } from "./clipboard.ts";
import { mirrorInlineStyles } from "./csp-styles.ts";
import { wireKeyBar } from "./key-bar-controls.ts";
import { sessionRows } from "./session-list.ts";
import { newlyNeedingYou, seenStates } from "./session-order.ts";
import { forgetToken, loadToken, saveToken, tabClientId } from "./tab-storage.ts";
import { watchEvents } from "./event-stream.ts";
import { createWebNotifier } from "./web-notify.ts";

/** How often the list refreshes while the tab is visible (clients and states change elsewhere). */
const LIST_REFRESH_MS = 5000;

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page lacks #${id}`);
  return element as T;
};

const ui = {
  status: byId<HTMLParagraphElement>("status"),
  forget: byId<HTMLButtonElement>("forget-token"),
  notifyToggle: byId<HTMLButtonElement>("notify-toggle"),
  newForm: byId<HTMLFormElement>("new-session-form"),
  newProfile: byId<HTMLSelectElement>("new-profile"),
  newSession: byId<HTMLButtonElement>("new-session"),
  keyBar: byId<HTMLDivElement>("key-bar"),
  copy: byId<HTMLButtonElement>("copy"),
  paste: byId<HTMLButtonElement>("paste"),
  list: byId<HTMLUListElement>("session-list"),
  listEmpty: byId<HTMLParagraphElement>("list-empty"),
  terminal: byId<HTMLDivElement>("terminal"),
  placeholder: byId<HTMLParagraphElement>("terminal-placeholder"),
  gate: byId<HTMLDivElement>("token-gate"),
  tokenForm: byId<HTMLFormElement>("token-form"),
  tokenInput: byId<HTMLInputElement>("token-input"),
  tokenMessage: byId<HTMLParagraphElement>("token-message"),
};

mirrorInlineStyles(document);

let token = loadToken();
const api = createApi(() => token);
const clientId = tabClientId();
let sessions: ApiSession[] = [];
/** Each session's state at the last look, to notice one that starts to wait (undefined before the first look). */
let lastSeen: ReadonlyMap<string, string> | undefined;
const notifier = createWebNotifier();
const sheet = clipSheet({
  dialog: byId<HTMLDialogElement>("clip-sheet"),
  area: byId<HTMLTextAreaElement>("clip-text"),
  title: byId<HTMLElement>("clip-title"),
  close: byId<HTMLButtonElement>("clip-close"),
  send: byId<HTMLButtonElement>("clip-send"),
});
let attached: { readonly session: ApiSession; readonly link: AttachLink } | undefined;
/** The status line tells how the last attach ended: list refreshes leave it alone. */
let statusTellsOutcome = false;

const term = new Terminal({
  cursorBlink: true,
  fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace',
  // A phone held upright gets ~50 columns instead of ~45: agent TUIs need every one.
  fontSize: window.matchMedia("(max-width: 500px)").matches ? 12 : 14,
  scrollback: 5000,
  theme: { background: "#0d0f14", foreground: "#d7dae0", cursor: "#7ee787" },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open(ui.terminal);
const encoder = new TextEncoder();
const send = (data: string) => attached?.link.sendInput(encoder.encode(data));
const typed = wireKeyBar({ bar: ui.keyBar, copy: ui.copy, paste: ui.paste, term, sheet, send, onCopied: () => setStatus("Copied") });
term.onData((data) => send(typed(data)));
// Some mouse reports are raw bytes, not UTF-8 text.
term.onBinary((data) => attached?.link.sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
term.onResize(({ cols, rows }) => attached?.link.resize(cols, rows));
let fitQueued = false;
new ResizeObserver(() => {
  if (fitQueued) return;
  fitQueued = true;
  requestAnimationFrame(() => {
    fitQueued = false;
    fit.fit();
  });
}).observe(ui.terminal);
fit.fit();

// Exposed for end-to-end tests and the curious: the terminal's buffer as text.
(window as unknown as { remoteView: unknown }).remoteView = {
  screenText: () => {
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  },
  attachedSessionId: () => attached?.session.id,
};

function setStatus(text: string, tone: "ok" | "warn" | "bad" = "ok") {
  ui.status.textContent = text;
  ui.status.className = tone === "ok" ? "status" : `status ${tone}`;
}

function askForToken(message: string) {
  ui.tokenMessage.textContent = message;
  ui.gate.hidden = false;
  ui.forget.hidden = true;
  ui.tokenInput.value = "";
  ui.tokenInput.focus();
  setStatus("Waiting for the token", "warn");
}

/** Every API failure lands here: a 401 asks for the token again, anything else is shown. */
function showFailure(error: unknown, doing: string) {
  if (error instanceof ApiError && error.unauthorized) {
    const hadToken = token !== undefined;
    token = undefined;
    forgetToken();
    askForToken(hadToken ? "The control plane refused that token (401). Enter it again." : "The control plane needs its token (401 Unauthorized).");
    return;
  }
  const message = error instanceof ApiError ? `${error.message}${error.hint ? ` (${error.hint})` : ""}` : String(error);
  setStatus(`Cannot ${doing}: ${message}`, "bad");
}

function renderList() {
  ui.list.replaceChildren(...sessionRows(sessions, { attachedId: attached?.session.id, nowMs: Date.now(), onPick: attach }));
  ui.listEmpty.hidden = sessions.length > 0;
}

/** Tells the person about sessions that just started to wait for them: a Web Notification when allowed, else the status line. */
function announceWaiting() {
  const waiting = newlyNeedingYou(lastSeen, sessions);
  lastSeen = seenStates(sessions);
  for (const session of waiting) {
    const what = session.agent?.state === "needs-approval" ? "needs your approval" : "is waiting for you";
    const shown = notifier.show(`${session.name} ${what}`, `${session.profile} session ${session.id}`, session.id, () => attach(session));
    if (!shown && attached?.session.id !== session.id) setStatus(`${session.name} ${what}`, "warn");
  }
}

async function refreshList(): Promise<boolean> {
  try {
    sessions = await api.listSessions();
  } catch (error) {
    // While attached, the terminal's own status (reconnecting...) says more than a failed poll.
    if (!attached || (error instanceof ApiError && error.unauthorized)) showFailure(error, "list the sessions");
    return false;
  }
  renderList();
  announceWaiting();
  ui.forget.hidden = false;
  ui.notifyToggle.hidden = !notifier.supported;
  if (!attached && !statusTellsOutcome) setStatus(`${sessions.length} session${sessions.length === 1 ? "" : "s"}`);
  return true;
}

async function probe(id: string): Promise<SessionProbe> {
  try {
    const session = await api.getSession(id);
    if (session.state === "exited" || session.state === "failed") return { kind: "exited", exitCode: session.exitCode };
    if (session.state === "lost") return { kind: "lost" };
    return { kind: "running" };
  } catch (error) {
    if (error instanceof ApiError && error.status === 0) return { kind: "unreachable" };
    return { kind: "refused", code: error instanceof ApiError ? error.code : "UNKNOWN" };
  }
}

function onLinkEvent(session: ApiSession, event: LinkEvent) {
  switch (event.kind) {
    case "attached":
      setStatus(`${event.reconnected ? "Reconnected to" : "Attached to"} ${session.name}`);
      term.focus();
      void refreshList(); // this tab now counts among its clients
      return;
    case "reconnecting":
      setStatus(`Connection lost; reconnecting to ${session.name}…`, "warn");
      return;
    case "exited": {
      const how = event.exit.signal ? `killed by ${event.exit.signal}` : `exited with code ${event.exit.exitCode ?? "?"}`;
      // Dimmed note, cursor hidden: nothing more will come from this session.
      term.write(`\r\n\x1b[2m[session ${how}]\x1b[0m\r\n\x1b[?25l`);
      setStatus(`${session.name} ${how}`, "warn");
      statusTellsOutcome = true;
      attached = undefined;
      void refreshList();
      return;
    }
    case "failed":
      attached = undefined;
      if (event.code === "UNAUTHORIZED") showFailure(new ApiError(401, event.code, event.message), "attach");
      else {
        setStatus(`Cannot attach to ${session.name}: ${event.message}`, "bad");
        statusTellsOutcome = true;
      }
      renderList();
      return;
  }
}

function attach(session: ApiSession) {
  if (!token || session.state !== "running") return;
  if (attached?.session.id === session.id) return term.focus();
  attached?.link.close();
  term.reset();
  ui.placeholder.hidden = true;
  statusTellsOutcome = false;
  setStatus(`Attaching to ${session.name}…`);
  const link = openAttachLink({
    sessionId: session.id,
    token,
    clientId,
    size: { cols: term.cols, rows: term.rows },
    probe: () => probe(session.id),
    onData: (data) => term.write(data),
    onEvent: (event) => {
      if (attached?.link === link) onLinkEvent(session, event);
    },
  });
  attached = { session, link };
  renderList();
}

async function startSession(profile: string) {
  ui.newSession.disabled = true;
  try {
    const session = await api.startSession(profile, { cols: term.cols, rows: term.rows });
    await refreshList();
    attach(sessions.find((s) => s.id === session.id) ?? session);
  } catch (error) {
    showFailure(error, `start a ${profile} session`);
  } finally {
    ui.newSession.disabled = false;
  }
}

ui.tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const entered = ui.tokenInput.value.trim();
  if (entered === "") return;
  token = entered;
  saveToken(entered);
  ui.gate.hidden = true;
  ui.tokenInput.value = "";
  void refreshList();
});

ui.forget.addEventListener("click", () => {
  attached?.link.close();
  attached = undefined;
  token = undefined;
  forgetToken();
  sessions = [];
  renderList();
  askForToken("");
});

ui.newProfile.replaceChildren(...CLI_PROFILES.map((profile) => new Option(profile, profile)));
ui.newForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void startSession(ui.newProfile.value);
});

const showNotifyToggle = () => ui.notifyToggle.setAttribute("aria-pressed", String(notifier.enabled()));
ui.notifyToggle.addEventListener("click", () => {
  void notifier.enable().then((on) => {
    showNotifyToggle();
    setStatus(on ? "You will be notified when a session waits for you" : "Notifications are blocked for this page", on ? "ok" : "warn");
  });
});
showNotifyToggle();

setInterval(() => {
  if (token && document.visibilityState === "visible") void refreshList();
}, LIST_REFRESH_MS);

// State changes as they happen (a session starts waiting): look again at once, a burst of them costing one look.
let pokeQueued = false;
watchEvents({
  token: () => token,
  onConnected: () => void refreshList(),
  onEvent: () => {
    if (pokeQueued) return;
    pokeQueued = true;
    setTimeout(() => {
      pokeQueued = false;
      void refreshList();
    }, 100);
  },
});

// Ask the API straight away, token or not: a 401 is what opens the token prompt.
void refreshList();
