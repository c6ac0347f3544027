/** Shared bits of the `remote workspace` commands. */
/** `--on-conflict` of pull and migrate back. */
export const onConflictArg = {
  type: "string",
  description: "A file changed on both sides: backup (default: text gets conflict markers, binary keeps yours as <file>.bak-<time>; exit 1), block (write nothing), keep-local, take-remote",
  valueHint: "policy",
} as const;

export const workspaceIdArg = { type: "string", description: "Workspace id (`remote workspace ls`)", valueHint: "id" } as const;

export const bytes = (n: number): string => {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
};

/** A one-line bar on stderr, redrawn at most once per percent; `done()` clears it. */
export function progressBar(write: (text: string) => void, label: string) {
  let shown = -1;
  return {
    update: (done: number, total: number) => {
      const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
      if (percent === shown) return;
      shown = percent;
      const filled = Math.round(percent / 5);
      write(`\r${label} [${"#".repeat(filled)}${".".repeat(20 - filled)}] ${done}/${total}`);
    },
    done: () => {
      if (shown >= 0) write("\r\x1b[2K");
    },
  };
}
