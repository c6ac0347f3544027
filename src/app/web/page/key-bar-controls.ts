/// <reference lib="dom" />
/**
 * The key bar's buttons on the page: each key's bytes to the session, the sticky Ctrl
 * (shown pressed until the next key, tapped or typed, takes it), and Copy / Paste. Taps
 * never take the focus from the terminal, so a phone's keyboard stays up.
 */
import type { Terminal } from "@xterm/xterm";
import { copyText, pasteText, type ClipSheet } from "./clipboard.ts";
import { BAR_KEYS, barKeyBytes, withCtrl, type BarKey } from "./key-bar.ts";

export type KeyBarParts = {
  readonly bar: HTMLElement;
  readonly copy: HTMLButtonElement;
  readonly paste: HTMLButtonElement;
  readonly term: Terminal;
  readonly sheet: ClipSheet;
  /** Typed bytes to the attached session. */
  readonly send: (data: string) => void;
  readonly onCopied: () => void;
};

/** Wires the bar; returns what typed text becomes (with the sticky Ctrl applied, once). */
export function wireKeyBar(parts: KeyBarParts): (typed: string) => string {
  const { bar, term } = parts;
  let ctrlArmed = false;
  const setCtrl = (armed: boolean) => {
    ctrlArmed = armed;
    bar.querySelector('[data-key="ctrl"]')?.setAttribute("aria-pressed", String(armed));
  };
  const press = (key: BarKey) => {
    if (key === "ctrl") return setCtrl(!ctrlArmed);
    const bytes = barKeyBytes(key, { applicationCursor: term.modes.applicationCursorKeysMode, ctrl: ctrlArmed });
    setCtrl(false);
    parts.send(bytes);
  };
  /** The selection when there is one, else the screen as it shows now. */
  const copySource = () => {
    if (term.hasSelection()) return term.getSelection();
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = buffer.viewportY; i < buffer.viewportY + term.rows; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n").replace(/\s+$/, "");
  };

  for (const button of Array.from(bar.querySelectorAll<HTMLButtonElement>("button"))) {
    button.addEventListener("pointerdown", (event) => event.preventDefault());
    button.addEventListener("mousedown", (event) => event.preventDefault());
  }
  bar.addEventListener("click", (event) => {
    const key = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-key]")?.dataset.key;
    if (key && (BAR_KEYS as readonly string[]).includes(key)) press(key as BarKey);
  });
  parts.copy.addEventListener("click", () => {
    void copyText(copySource(), parts.sheet).then((how) => how === "copied" && parts.onCopied());
  });
  parts.paste.addEventListener("click", () => {
    void pasteText(parts.sheet).then((text) => {
      if (text) term.paste(text); // bracketed when the program asked for it
      term.focus();
    });
  });

  return (typed) => {
    if (!ctrlArmed) return typed;
    setCtrl(false);
    return withCtrl(typed) ?? typed;
  };
}
