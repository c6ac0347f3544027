/** CSI, OSC, DCS and lone ESC sequences, and stray C0 controls other than \t \n. */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f]/g;

/** Plain text from terminal output, for `logs --follow` into a file or pipe. */
export const stripAnsi = (text: string): string => text.replace(/\r\n/g, "\n").replace(ANSI, "");
