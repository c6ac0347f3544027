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
 * one here), and a 1 MiB file must arrive whole. So a terminal skips once it has been more than
 * eight screens behind for GRACE bytes of output in all, counted until it keeps up for as long:
 * a flood past that is skipped as with tmux (however often the terminal catches up for a
 * moment), a shorter burst arrives whole however slowly it is read.
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

/** How much output a terminal has been behind for, and kept up for since. */
export type Lag = { readonly behindFor: number; readonly keptUpFor: number };
export const NO_LAG: Lag = { behindFor: 0, keptUpFor: 0 };

/** The output produced since the last look counts as behind or kept up by what the terminal owes now. */
export function countLag(lag: Lag, produced: number, backlog: number, size: Size): Lag {
  if (backlog >= skipStart(size)) return { behindFor: lag.behindFor + produced, keptUpFor: 0 };
  const keptUpFor = lag.keptUpFor + produced;
  return keptUpFor >= GRACE ? NO_LAG : { behindFor: lag.behindFor, keptUpFor };
}

/** Whether a terminal has fallen behind for good: it skips to a redraw. */
export const fallenBehind = (lag: Lag): boolean => lag.behindFor >= GRACE;

/**
 * After an interval of skipping: redraw once the session produced little in it (the flood
 * is over) and the terminal took what was already on its way to it (tmux defers its redraw
 * likewise while output for the terminal is still queued); otherwise skip another interval.
 */
export const redrawAfterInterval = (producedInInterval: number, stillQueued: boolean, size: Size): boolean => producedInInterval < skipStop(size) && !stillQueued;
