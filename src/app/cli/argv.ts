/**
 * What citty's parser does not do for us: everything after the first `--` goes to the
 * agent CLI untouched, and `-r`/`--resume` with no value means "resume the latest".
 */
export const RESUME_LATEST = "@latest";

export type NormalizedArgv = { readonly argv: string[]; readonly passthrough: string[] };

export function normalizeArgv(raw: readonly string[]): NormalizedArgv {
  const dash = raw.indexOf("--");
  const head = dash < 0 ? [...raw] : raw.slice(0, dash);
  const passthrough = dash < 0 ? [] : raw.slice(dash + 1);
  const argv: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const arg = head[i] as string;
    if (arg === "-r" || arg === "--resume") {
      const next = head[i + 1];
      // A bare flag (last, or followed by another flag) means "latest".
      if (next === undefined || next.startsWith("-")) {
        argv.push(`--resume=${RESUME_LATEST}`);
        continue;
      }
      argv.push("--resume", next);
      i++;
      continue;
    }
    argv.push(arg);
  }
  return { argv, passthrough };
}

export const resumeFromFlag = (value: string | undefined): string | true | undefined =>
  value === undefined ? undefined : value === RESUME_LATEST || value === "" ? true : value;
