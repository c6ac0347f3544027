import type { PtyExit, PtyPort } from "../../domain/ports.ts";

export type BunPtyOptions = {
  /** How long to wait for the last output after the process exited (children may hold the PTY open). @default 500 */
  readonly drainGraceMs?: number;
  /** @default "xterm-256color" */
  readonly termName?: string;
};

/** Bun's built-in PTY. `detached: true` makes the PTY the child's controlling terminal (job control, Ctrl-C). */
export function createBunPty(options: BunPtyOptions = {}): PtyPort {
  const grace = options.drainGraceMs ?? 500;
  return {
    spawn: (spec) => {
      let eof!: () => void;
      const drained = new Promise<void>((resolve) => (eof = resolve));
      const proc = Bun.spawn([spec.command, ...spec.args], {
        cwd: spec.cwd,
        env: { ...spec.env },
        detached: true,
        terminal: {
          cols: spec.cols,
          rows: spec.rows,
          name: options.termName ?? "xterm-256color",
          data: (_term, data) => spec.onData(data),
          exit: () => eof(),
        },
      });
      const terminal = proc.terminal;
      if (!terminal) throw new Error("Bun did not attach a terminal to the process");
      const exited = proc.exited.then(async (): Promise<PtyExit> => {
        await Promise.race([drained, Bun.sleep(grace)]);
        const signal = proc.signalCode === null || proc.signalCode === undefined ? null : String(proc.signalCode);
        return { exitCode: signal ? null : proc.exitCode, signal };
      });
      return {
        pid: proc.pid,
        write: (data) => {
          if (!terminal.closed) terminal.write(data);
        },
        resize: (cols, rows) => {
          if (!terminal.closed) terminal.resize(cols, rows);
        },
        exited: exited.finally(() => terminal.close()),
      };
    },
  };
}
