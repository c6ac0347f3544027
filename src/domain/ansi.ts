/** CSI, OSC, DCS and lone ESC sequences, and stray C0 controls other than \t \n. */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f]/g;

/** Plain text from terminal output, for `logs --follow` into a file or pipe. */
export const stripAnsi = (text: string): string => text.replace(/\r\n/g, "\n").replace(ANSI, "");

/** OSC, DCS, SOS, PM and APC strings: their payload (a title, a hyperlink target) is never screen text. */
const STRINGS = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\/g;
/** Cursor moves to another row: CUP/HVP (H f), up/down/next/previous line (A B E F), VPA (d), IND, NEL, RI, restore (ESC 8, CSI u). */
const ROW_MOVE = /\x1b\[[0-9;]*[HfABEFdu]|\x1b[DEM8]/g;
/** Cursor moves along the row: CHA (G, `), forward (C). */
const COLUMN_MOVE = /\x1b\[([0-9]*)[G`]|\x1b\[[0-9]*C/g;

/**
 * Readable lines from a stretch of raw terminal output (a TUI's redraws included), for
 * reading messages off a live session: escape sequences go; a cursor move to another
 * row, a carriage return or a move to column 1 ends a line (TUIs separate rows by
 * moving the cursor, not by "\n"); a move along the row becomes a space. Lines lose
 * their trailing blanks and runs of blank lines become one.
 */
export function terminalText(raw: string): string {
  const flat = raw
    .replace(STRINGS, "")
    .replace(ROW_MOVE, "\n")
    .replace(COLUMN_MOVE, (_move: string, column: string | undefined) => (column !== undefined && Number(column || "1") <= 1 ? "\n" : " "))
    .replace(/\r+\n?/g, "\n")
    .replace(ANSI, "");
  const lines: string[] = [];
  for (const line of flat.split("\n")) {
    const trimmed = line.trimEnd();
    if (trimmed === "" && (lines.length === 0 || lines[lines.length - 1] === "")) continue;
    lines.push(trimmed);
  }
  while (lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

/**
 * Whether a stream may carry colour codes: only a terminal, and never with NO_COLOR set
 * to anything non-empty (no-color.org) or TERM=dumb.
 */
export const colorWanted = (env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean =>
  isTTY && !env.NO_COLOR && env.TERM !== "dumb";

/** SGR sequences (colours, bold, underline) only: what a usage text carries. */
export const stripColor = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, "");
