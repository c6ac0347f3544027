/// <reference lib="dom" />
/**
 * Copy and paste for the terminal, where a phone offers neither: the async Clipboard API
 * when the page may use it (a secure context: https or localhost, and the person allowed
 * it), else a sheet with a text area the person copies from or pastes into by hand
 * (plain-http origins on a LAN have no Clipboard API at all).
 */
export type ClipSheet = {
  /** Shows `text` selected, for the person to copy with the system's own menu. */
  readonly showForCopy: (text: string) => void;
  /** Asks for text to paste; resolves with it, or undefined when dismissed. */
  readonly askForPaste: () => Promise<string | undefined>;
};

export async function copyText(text: string, sheet: ClipSheet): Promise<"copied" | "shown"> {
  try {
    if (!navigator.clipboard) throw new Error("no Clipboard API");
    await navigator.clipboard.writeText(text);
    return "copied";
  } catch {
    sheet.showForCopy(text);
    return "shown";
  }
}

export async function pasteText(sheet: ClipSheet): Promise<string | undefined> {
  try {
    if (!navigator.clipboard?.readText) throw new Error("no Clipboard API");
    return await navigator.clipboard.readText();
  } catch {
    return sheet.askForPaste();
  }
}

/** The sheet on the page's #clip-sheet dialog: Close dismisses it, Send (paste only) answers with the text. */
export function clipSheet(parts: { readonly dialog: HTMLDialogElement; readonly area: HTMLTextAreaElement; readonly title: HTMLElement; readonly close: HTMLButtonElement; readonly send: HTMLButtonElement }): ClipSheet {
  const { dialog, area, title, close, send } = parts;
  let answer: ((text: string | undefined) => void) | undefined;
  close.addEventListener("click", () => dialog.close("close"));
  send.addEventListener("click", () => dialog.close("send"));
  dialog.addEventListener("close", () => {
    const resolve = answer;
    answer = undefined;
    resolve?.(dialog.returnValue === "send" ? area.value : undefined);
  });
  return {
    showForCopy: (text) => {
      title.textContent = "Copy";
      send.hidden = true;
      area.readOnly = true;
      area.value = text;
      dialog.showModal();
      area.select();
    },
    askForPaste: () =>
      new Promise((resolve) => {
        title.textContent = "Paste into the session";
        send.hidden = false;
        area.readOnly = false;
        area.value = "";
        answer = resolve;
        dialog.showModal();
        area.focus();
      }),
  };
}
