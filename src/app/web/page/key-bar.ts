/**
 * The key bar's bytes (what a phone's keyboard lacks): Esc, Tab, arrows, Ctrl+C, and a
 * sticky Ctrl that turns the next key into its control character. Pure, so the bytes
 * are checked without a browser; main.ts wires the buttons.
 */
export const BAR_KEYS = ["esc", "tab", "ctrl", "up", "down", "left", "right", "ctrl-c"] as const;
export type BarKey = (typeof BAR_KEYS)[number];

const ARROW: Readonly<Record<"up" | "down" | "left" | "right", string>> = { up: "A", down: "B", right: "C", left: "D" };

/**
 * The bytes a key sends. Arrows follow the terminal's cursor-key mode, as a real keyboard
 * does (DECCKM: `ESC O A` in application mode, which full-screen TUIs turn on); with Ctrl
 * held they are `ESC [ 1 ; 5 A` in either mode (xterm's modifyCursorKeys).
 */
export function barKeyBytes(key: Exclude<BarKey, "ctrl">, mode: { readonly applicationCursor: boolean; readonly ctrl: boolean }): string {
  switch (key) {
    case "esc":
      return "\x1b";
    case "tab":
      return "\t";
    case "ctrl-c":
      return "\x03";
    default: {
      const final = ARROW[key];
      if (mode.ctrl) return `\x1b[1;5${final}`;
      return mode.applicationCursor ? `\x1bO${final}` : `\x1b[${final}`;
    }
  }
}

/**
 * What typed text becomes with the sticky Ctrl held: its first character as a control
 * character (Ctrl+A = 0x01 ... Ctrl+Z = 0x1a, Ctrl+[ = ESC, Ctrl+Space/@ = NUL, Ctrl+? = DEL),
 * the rest unchanged; undefined when that character has no control form (Ctrl is then
 * dropped and the text goes as typed).
 */
export function withCtrl(text: string): string | undefined {
  const first = text[0];
  if (first === undefined) return undefined;
  const code = first.toUpperCase().charCodeAt(0);
  let control: number | undefined;
  if (code >= 0x40 && code <= 0x5f) control = code - 0x40; // @ A-Z [ \ ] ^ _
  else if (first === " ") control = 0;
  else if (first === "?") control = 0x7f;
  return control === undefined ? undefined : String.fromCharCode(control) + text.slice(1);
}
