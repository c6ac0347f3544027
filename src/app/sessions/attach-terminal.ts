/**
 * The person's side of an attach, whatever carries the bytes (Unix socket locally,
 * WebSocket to a control plane): raw mode, the Ctrl+P Ctrl+Q detach chord with its
 * lone-Ctrl+P timeout, resizes on SIGWINCH, and restoring the terminal afterwards.
 */
import type { ExitInfo } from "../../domain/host-protocol.ts";
import type { TerminalPort } from "../../domain/ports.ts";
import { detachChord } from "./detach-chord.ts";

export type AttachOutcome =
  | { readonly kind: "detached" }
  | { readonly kind: "exited"; readonly exitCode: number | null; readonly signal: string | null }
  | { readonly kind: "lost" };

/**
 * Undo modes a session may have left on in the person's terminal, as tmux does on detach: alternate
 * screen, hidden cursor, mouse reporting and its encodings, focus events, bracketed paste,
 * application cursor keys and keypad, kitty keyboard flags, cursor shape, colours, scroll region.
 * Then the cursor goes to the last row, so the line printed after it (`\r\n[detached ...]`)
 * scrolls onto a fresh line instead of drawing over what the session left on screen.
 */
export const TERMINAL_RESTORE =
  "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?1015l\x1b[?1004l\x1b[?2004l\x1b[?1l\x1b>\x1b[<u\x1b[0 q\x1b[0m\x1b[r\x1b[999;1H";

export type TerminalHandlers = {
  /** Keys to deliver to the session (never called when read-only). */
  readonly input: (data: Uint8Array) => void;
  /** The person pressed the detach chord. */
  readonly detach: () => void;
  /** The terminal changed size (never called when read-only). */
  readonly resize: (size: { cols: number; rows: number }) => void;
};

/**
 * Takes the terminal over (raw mode, key and resize handlers); the returned function gives it back.
 * `keys: false`: another process (the session host) reads the keys; only raw mode and resizes here.
 */
export function holdTerminal(term: TerminalPort, handlers: TerminalHandlers, options: { readonly readOnly?: boolean | undefined; readonly keys?: boolean } = {}): () => void {
  const chord = detachChord({
    forward: (data) => {
      if (!options.readOnly) handlers.input(data);
    },
    detach: () => handlers.detach(),
  });
  const offInput = options.keys === false ? () => {} : term.onInput(chord.feed);
  const offResize = term.onResize(() => {
    if (!options.readOnly) handlers.resize(term.size());
  });
  term.setRaw(true);

  let released = false;
  return () => {
    if (released) return;
    released = true;
    chord.dispose();
    offInput();
    offResize();
    term.setRaw(false);
    if (term.isTTY) term.write(TERMINAL_RESTORE);
  };
}

/** The line shown when an attach ends; `reattach` is the command that gets the person back. */
export function attachEndMessage(outcome: AttachOutcome, name: string, reattach: string): string {
  if (outcome.kind === "detached") return `\r\n[detached from ${name}: re-attach with \`${reattach}\`]\r\n`;
  if (outcome.kind === "exited") {
    // No code and no signal: a remote session that ended while we were away (only its record is left).
    const how = outcome.signal ? `killed by ${outcome.signal}` : outcome.exitCode === null ? "ended without an exit code (stopped by a signal)" : `exited with code ${outcome.exitCode}`;
    return `\r\n[session ${name} ${how}]\r\n`;
  }
  return `\r\n[lost connection to session ${name}; it may still be running: \`remote ls\`]\r\n`;
}

export const outcomeOfExit = (exit: ExitInfo): AttachOutcome => ({ kind: "exited", ...exit });
