/**
 * Reads the flags out of a real agent CLI's saved `--help` (test/fixtures/help), so a
 * test can hold the fake CLIs (test/fixtures/bin) to the flags the real one has.
 *
 * Each CLI's argument parser lays its help out its own way:
 *   commander (claude):  `  -r, --resume [value]`, `  --add-dir <directories...>`
 *   clap (codex):        `  -m, --model <MODEL>`, `      --oss`, `  -i, --image <FILE>...`
 *   yargs (gemini, opencode): `  -m, --model   Model  [string]` (the type tag says the arity)
 *   argparse (vibe):     `  -p [TEXT], --prompt [TEXT]`, `  --output {text,json,streaming}`
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type HelpFormat = "commander" | "clap" | "yargs" | "argparse";
/** none: a switch; value: exactly one value; optional: a value when the next word is not a flag; many: values up to the next flag. */
export type Arity = "none" | "value" | "optional" | "many";
export type HelpFlag = { readonly names: readonly string[]; readonly arity: Arity };

export const helpDir = join(import.meta.dir, "..", "fixtures", "help");
export const readHelp = (file: string) => readFileSync(join(helpDir, file), "utf8");

// A flag line: at most 6 spaces of indent (descriptions are indented further), then -x or --xy.
const FLAG_LINE = /^ {1,6}(--?[A-Za-z0-9][\w-]*.*)$/;
const NAME = /^--?[A-Za-z0-9][\w-]*$/;
const YARGS_TYPE = /\[(boolean|count|string|number|array)\]/;

function metavarArity(metavar: string): Arity {
  if (metavar === "") return "none";
  if (metavar.startsWith("[")) return metavar.includes("...") ? "many" : "optional";
  return metavar.includes("...") ? "many" : "value";
}

/** Every flag the help lists, with its names (short and long) and arity. */
export function parseHelp(text: string, format: HelpFormat): HelpFlag[] {
  const lines = text.split("\n");
  const flags: HelpFlag[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = FLAG_LINE.exec(lines[i] as string);
    if (match === null) continue;
    // The flag spec ends where the description starts: two spaces (or the line's end).
    const spec = (match[1] as string).split(/ {2,}/)[0] as string;
    const names: string[] = [];
    let metavar = "";
    for (const part of spec.split(/,\s+/)) {
      const [name, ...rest] = part.split(/[ =]/);
      if (name === undefined || !NAME.test(name)) continue;
      names.push(name);
      if (rest.length > 0) metavar = rest.join(" ");
    }
    if (names.length === 0) continue;
    let arity = metavarArity(metavar);
    if (format === "yargs") {
      // The type tag can wrap onto the following (more indented) lines.
      let block = lines[i] as string;
      for (let j = i + 1; j < lines.length && !FLAG_LINE.test(lines[j] as string) && /^ {7,}/.test(lines[j] as string); j++) block += ` ${lines[j]}`;
      const type = YARGS_TYPE.exec(block)?.[1];
      arity = type === undefined ? "optional" : type === "boolean" || type === "count" ? "none" : type === "array" ? "many" : "value";
    }
    flags.push({ names, arity });
  }
  return flags;
}

/** name -> its flag, for every name (short and long). */
export function flagTable(flags: readonly HelpFlag[]): Map<string, HelpFlag> {
  const table = new Map<string, HelpFlag>();
  for (const flag of flags) for (const name of flag.names) table.set(name, flag);
  return table;
}
