/**
 * A person's terminal whose reader can be stopped: `bun pty-recorder.ts <file> <argv...>` runs argv
 * in a real 80x24 PTY and appends every byte the terminal gets to <file>. SIGSTOP this process and
 * the terminal is no longer read: its buffer fills, as a slow terminal's does; SIGCONT, it reads again.
 */
import { openSync, writeSync } from "node:fs";

const [file, ...argv] = process.argv.slice(2);
if (file === undefined || argv.length === 0) throw new Error("usage: pty-recorder.ts <file> <argv...>");
const out = openSync(file, "a");
const proc = Bun.spawn(argv, {
  terminal: {
    cols: 80,
    rows: 24,
    data: (_terminal, data) => {
      writeSync(out, data);
    },
  },
});
process.exit(await proc.exited);
