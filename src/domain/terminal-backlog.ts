/**
 * When a person's terminal falls behind a session's output, tmux's rule (tty.c:
 * tty_block_maybe, tty_timer_callback): past a backlog of eight screens it stops writing to
 * that terminal, then checks every 100 ms how much output it skipped in the last interval;
 * once that is under an eighth of a screen (the flood is over), it redraws the whole screen
 * and goes on from there. The session's output itself is kept whole (window, logs); only the
 * live terminal skips.
 *
 * One difference: a grace. With tmux's eight screens alone (15 KB at 80x24), even a terminal
 * that reads fast skips most of a 1 MiB `cat` on a busy machine (tmux showed 0.14-0.49 MiB of
 * one here), and a 1 MiB file must arrive whole. So a terminal more than eight screens behind
 * skips only once it has stayed behind for GRACE bytes of output: a flood past that is skipped
 * as with tmux, a shorter burst arrives whole however slowly it is read.
 */

/** How often a skipping terminal's interval is checked (TTY_BLOCK_INTERVAL). */
export const SKIP_CHECK_MS = 100;

/** Output a terminal may stay behind for before it skips: a 1 MiB file with its line ends made \r\n by the PTY fits in it. */
export const GRACE = 1.25 * 1024 * 1024;

type Size = { readonly cols: number; readonly rows: number };

/** Bytes owed to a terminal past which it is behind (TTY_BLOCK_START: 1 + cols*rows*8). */
export const skipStart = (size: Size): number => 1 + size.cols * size.rows * 8;

/** Output in one interval under which a skipping terminal is redrawn (TTY_BLOCK_STOP: 1 + cols*rows/8). */
export const skipStop = (size: Size): number => 1 + Math.floor((size.cols * size.rows) / 8);

/** Whether a terminal that owes `backlog` bytes is behind (then the caller counts how long it stays so). */
export const behind = (backlog: number, size: Size): boolean => backlog >= skipStart(size);

/** Whether a terminal that is behind, and has been for `behindFor` bytes of output, should skip to a redraw. */
export const fallenBehind = (behindFor: number): boolean => behindFor >= GRACE;

/**
 * After an interval of skipping: redraw once the session produced little in it (the flood
 * is over) and the terminal took what was already on its way to it (tmux defers its redraw
 * likewise while output for the terminal is still queued); otherwise skip another interval.
 */
export const redrawAfterInterval = (producedInInterval: number, stillQueued: boolean, size: Size): boolean => producedInInterval < skipStop(size) && !stillQueued;
