import { SerializeAddon } from "@xterm/addon-serialize";
import { Terminal } from "@xterm/headless";
import type { ScreenPort } from "../../domain/ports.ts";

export type XtermScreenOptions = {
  /** Lines kept above the screen for `logs` and for the redraw's history. @default 10000 */
  readonly scrollback?: number;
  /** History lines included in an attach redraw, so the person can scroll up. @default 1000 */
  readonly redrawHistory?: number;
};

/** Reset everything (modes, alt screen, colours) so the redraw starts from a known terminal. */
const RESET = "\x1bc";
/**
 * Unparsed bytes past which output is held back from the model (xterm parses ~tens of MB/s of
 * text, ~6 MiB/s of `yes`). After a flood, a redraw waits for them: 1 MiB, not 4, brought the
 * screen after Ctrl+C on `yes` from ~0.7 s to ~0.35 s (median of 6, by hand on a loaded machine).
 */
const HIGH_WATER = 1024 * 1024;
/** What is kept of held-back output to replay once the model caught up. */
const TAIL = 256 * 1024;
/**
 * Output reaches the model in batches, at most this often. Each parse runs on the host's CPU,
 * and the kernel delivers a keystroke's echo on that same CPU only once the host is idle: a
 * parse per echo (xterm's own timer) cost typing ~40 us at p50. Snapshots and text flush first.
 */
const BATCH_MS = 10;

export function createXtermScreen(options: XtermScreenOptions = {}): ScreenPort {
  return {
    create: (cols, rows) => {
      const term = new Terminal({ cols, rows, scrollback: options.scrollback ?? 5000, allowProposedApi: true });
      const serializer = new SerializeAddon();
      term.loadAddon(serializer as unknown as Parameters<typeof term.loadAddon>[0]);
      // Offset of the output the model reflects once everything handed to it is parsed.
      let parsed = 0;
      // Bytes handed to xterm and not parsed yet: xterm throws past 50 MB, and a flood
      // (`yes`) outruns its parser, so past a high-water mark we hold output back.
      let queued = 0;
      // While behind: only the newest TAIL bytes are kept to replay; older ones are dropped
      // (the screen of a flood is its last lines; attach clients still get every byte from the window).
      let held: Uint8Array[] = [];
      let heldBytes = 0;
      let dropped = 0;
      let batch: Uint8Array[] = [];
      /**
       * The last redraw and the parsed offset it shows: re-attaching to a screen that has not
       * changed since (an agent waiting for its person) sends it again instead of serialising
       * it again (~0.3-3 ms of the host's CPU on the attach's path). Output or a resize drops it.
       */
      let lastShot: { readonly offset: number; readonly data: string } | undefined;
      const idle = () => queued === 0 && heldBytes === 0 && batch.length === 0;
      const redraw = (offset: number) => {
        // A full-screen program (alternate screen) shows no history: serialising the shell's
        // lines under it would cost the attach milliseconds and tens of KB for nothing visible.
        const history = term.buffer.active.type === "alternate" ? 0 : (options.redrawHistory ?? 1000);
        const shot = { offset, data: RESET + serializer.serialize({ scrollback: history }) };
        // Kept only when it shows exactly `offset`: nothing more was handed over meanwhile.
        if (idle() && parsed === offset) lastShot = shot;
        return shot;
      };
      let batchTimer: ReturnType<typeof setTimeout> | undefined;
      const flushBatch = () => {
        clearTimeout(batchTimer);
        batchTimer = undefined;
        const chunks = batch;
        batch = [];
        for (const chunk of chunks) accept(chunk);
      };
      const feed = (data: Uint8Array, counts: number) => {
        queued += data.length;
        term.write(data, () => {
          parsed += counts;
          queued -= data.length;
          if (queued === 0 && heldBytes > 0) release();
        });
      };
      const release = () => {
        const chunks = held;
        const skipped = dropped;
        held = [];
        heldBytes = 0;
        dropped = 0;
        // The dropped bytes count as parsed together with the first replayed chunk.
        chunks.forEach((chunk, i) => feed(chunk, chunk.length + (i === 0 ? skipped : 0)));
      };
      // An empty write's callback runs once everything before it is parsed: a consistent cut.
      const cut = () => {
        flushBatch();
        return new Promise<number>((resolve) => term.write("", () => resolve(parsed)));
      };
      // Held-back output is replayed after a cut resolves: wait for that too (a few rounds at most, a flood may go on).
      const settle = async () => {
        await cut();
        for (let round = 0; round < 3 && (queued > 0 || heldBytes > 0); round++) await cut();
      };
      const accept = (data: Uint8Array) => {
        if (heldBytes === 0 && queued < HIGH_WATER) return feed(data, data.length);
        held.push(data);
        heldBytes += data.length;
        while (held.length > 1 && heldBytes - (held[0] as Uint8Array).length >= TAIL) {
          const old = held.shift() as Uint8Array;
          heldBytes -= old.length;
          dropped += old.length;
        }
      };
      return {
        write: (data) => {
          lastShot = undefined;
          batch.push(data);
          if (batchTimer === undefined) {
            batchTimer = setTimeout(flushBatch, BATCH_MS);
            batchTimer.unref?.();
          }
        },
        resize: (c, r) => {
          // The output before a resize was laid out at the old size.
          flushBatch();
          lastShot = undefined;
          term.resize(Math.max(1, c), Math.max(1, r));
        },
        size: () => ({ cols: term.cols, rows: term.rows }),
        snapshot: async (wanted) => {
          if (idle() && lastShot?.offset === parsed) return lastShot;
          // Everything handed over is parsed (the usual case for an idle screen): cut now, not a timer tick later.
          if (!idle()) await (wanted?.settled ? settle() : cut());
          // `parsed` now, not the cut's: xterm may have parsed more chunks (each with its callback) before we got here.
          return redraw(parsed);
        },
        text: async (lastLines) => {
          await settle();
          const offset = parsed;
          const buffer = term.buffer.normal;
          const lines: string[] = [];
          for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
          while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
          return { offset, text: (lastLines === undefined ? lines : lines.slice(-lastLines)).join("\n") };
        },
        dispose: () => {
          clearTimeout(batchTimer);
          batch = [];
          held = [];
          term.dispose();
        },
      };
    },
  };
}
