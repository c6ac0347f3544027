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

export function createXtermScreen(options: XtermScreenOptions = {}): ScreenPort {
  return {
    create: (cols, rows) => {
      const term = new Terminal({ cols, rows, scrollback: options.scrollback ?? 5000, allowProposedApi: true });
      const serializer = new SerializeAddon();
      term.loadAddon(serializer as unknown as Parameters<typeof term.loadAddon>[0]);
      let parsed = 0;
      // An empty write's callback runs once everything before it is parsed: a consistent cut.
      const settle = () => new Promise<number>((resolve) => term.write("", () => resolve(parsed)));
      return {
        write: (data) => {
          const size = data.length;
          term.write(data, () => {
            parsed += size;
          });
        },
        resize: (c, r) => term.resize(Math.max(1, c), Math.max(1, r)),
        size: () => ({ cols: term.cols, rows: term.rows }),
        snapshot: () =>
          new Promise((resolve) =>
            term.write("", () => resolve({ offset: parsed, data: RESET + serializer.serialize({ scrollback: options.redrawHistory ?? 1000 }) })),
          ),
        text: async (lastLines) => {
          const offset = await settle();
          const buffer = term.buffer.normal;
          const lines: string[] = [];
          for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
          while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
          return { offset, text: (lastLines === undefined ? lines : lines.slice(-lastLines)).join("\n") };
        },
      };
    },
  };
}
