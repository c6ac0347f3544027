import type { AppDeps } from "../deps.ts";

/** What every command file receives from the entry: lazily built deps and the argv tail after `--`. */
export type CliContext = {
  readonly deps: () => AppDeps;
  /** Builds the deps with some environment changed (e.g. `serve --data` is REMOTE_HOME for it and every host it starts). */
  readonly depsWithEnv: (overrides: Readonly<Record<string, string>>) => AppDeps;
  readonly passthrough: readonly string[];
  readonly setExitCode: (code: number) => void;
  readonly version: string;
};

export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A plain left-aligned table; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
