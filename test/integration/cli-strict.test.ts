/**
 * Every command and subcommand, generated from the command table (a new command or flag
 * is covered without touching this file): a command line it does not declare exits 2
 * with a message naming the offending word, before the command runs. In-process: the
 * deps factory throws, so a bad line that reached a command would show as exit 1.
 * `REMOTE_PRINT_CLI_TABLE=1 bun test test/integration/cli-strict.test.ts` prints the table.
 */
import { describe, expect, test } from "bun:test";
import type { ArgShape } from "../../src/domain/command-line.ts";
import { isHiddenCommand, isPassthroughArg } from "../../src/domain/command-line.ts";
import type { NumericFlag } from "../../src/domain/numeric-flag.ts";
import { createCli } from "../../src/app/cli/index.ts";
import { runCli } from "../../src/app/cli/run-cli.ts";
import { commandTree } from "../../src/app/cli/strict-argv.ts";

const REACHED = "the command ran: it built its deps";
const noDeps = () => {
  throw new Error(REACHED);
};

async function remote(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, "0.0.0-test", noDeps, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false });
  return { code, stdout, stderr };
}

const tree = await commandTree(createCli({ deps: noDeps, depsWithEnv: noDeps, passthrough: [], version: "0.0.0-test", setExitCode: () => {} }));
const leaves = tree.filter((e) => !e.def.subCommands);
const parents = tree.filter((e) => e.def.subCommands);
const words = (command: string) => command.split(" ").slice(1);

/** The least a leaf needs to be a valid command line: its required positionals and flags. */
function minimalLine(args: Readonly<Record<string, ArgShape>>): string[] {
  const line: string[] = [];
  for (const [name, arg] of Object.entries(args)) {
    if (arg.type === "positional" && !isPassthroughArg(name, arg)) line.push(`${name}-value`);
    else if (arg.type !== "positional" && arg.required === true && arg.default === undefined) line.push(`--${name}`, arg.numeric?.example ?? arg.options?.[0] ?? "value");
  }
  return line;
}

const belowRange = (spec: NumericFlag) => (spec.kind === "integer" ? String(spec.min - 1) : spec.kind === "number" ? String(spec.above) : "0");

type Row = { readonly line: string[]; readonly code: number; readonly says: readonly string[] };
const rows: Row[] = [];
for (const { command, args } of leaves) {
  const base = [...words(command), ...minimalLine(args)];
  rows.push({ line: [...base, "--bogus-flag"], code: 2, says: ["'--bogus-flag'", `\`${command} --help\``] });
  rows.push({ line: [...base, "stray-extra"], code: 2, says: ["'stray-extra'", `\`${command}\``] });
  if (!Object.entries(args).some(([name, arg]) => isPassthroughArg(name, arg))) rows.push({ line: [...base, "--", "after-dashes"], code: 2, says: ["'after-dashes' after --"] });
  if (Object.values(args).some((a) => a.type === "positional" && a.required !== false)) rows.push({ line: words(command), code: 2, says: ["missing <", `Run \`${command} --help\``] });
  for (const [name, arg] of Object.entries(args)) {
    if (!arg.numeric) continue;
    for (const bad of new Set(["abc", belowRange(arg.numeric), "-3"])) rows.push({ line: [...base, `--${name}`, bad], code: 2, says: [`--${name} '${bad}'`, "expected "] });
  }
}
for (const { command, def } of parents) {
  const visible = Object.keys(def.subCommands ?? {}).filter((n) => !isHiddenCommand(n));
  rows.push({ line: [...words(command), "--bogus-flag"], code: 2, says: ["'--bogus-flag'"] });
  rows.push({ line: [...words(command), "nosuchcommand"], code: 2, says: ["no command 'nosuchcommand'", `Commands: ${visible.join(", ")}`] });
  if (command !== "remote") rows.push({ line: words(command), code: 2, says: [`\`${command}\`: it needs a command`] });
}
// The cases the issues name.
rows.push(
  { line: ["run", "shell", "--target", "kube", "--dry-run"], code: 2, says: ["--target 'kube'", "Did you mean --target kubernetes?"] },
  { line: ["run", "shell", "--target", "kubernetes", "--cpu", "lots"], code: 2, says: ["--cpu 'lots'", "millicores"] },
  { line: ["run", "shell", "--image", "img"], code: 2, says: ["--image with --target local"] },
  { line: ["ls", "--bogus"], code: 2, says: ["'--bogus'"] },
  { line: ["ls", "--jsno"], code: 2, says: ["Did you mean --json?"] },
  { line: ["lss"], code: 2, says: ["Did you mean `remote ls`?", "Commands: run, attach, ls,"] },
  { line: ["jobs", "wait"], code: 2, says: ["Run `remote jobs wait --help`"] },
  { line: ["logs", "s1", "-n", "abc"], code: 2, says: ["--lines 'abc'"] },
  { line: ["logs", "s1", "-n", "0"], code: 2, says: ["--lines '0'"] },
  { line: ["logs", "s1", "-n", "-3"], code: 2, says: ["--lines '-3'"] },
  { line: ["logs", "s1", "-n"], code: 2, says: ["'--lines'", "needs a value"] },
  { line: ["serve", "--port", "65536"], code: 2, says: ["--port '65536'", "from 0 to 65535"] },
  { line: ["ls", "--json=yes"], code: 2, says: ["--json 'yes'"] },
);

if (process.env.REMOTE_PRINT_CLI_TABLE) {
  const lines = await Promise.all(rows.map(async (r) => [r.line, await remote(r.line)] as const));
  console.log(["| command line | exit | message |", "|---|---|---|", ...lines.map(([line, r]) => `| \`remote ${line.join(" ")}\` | ${r.code} | ${r.stderr.split("\n")[0]?.replace(/^remote: /, "").replace(/\|/g, "\\|")} |`)].join("\n"));
}

describe("strict command lines, every command", () => {
  test("the table covers every command and subcommand, hidden ones included", () => {
    const covered = new Set(rows.map((r) => r.line.filter((w) => /^[_a-z]+$/.test(w)).slice(0, 2).join(" ")));
    for (const { command } of tree) expect([...covered].some((c) => `remote ${c}`.startsWith(command))).toBe(true);
    expect(tree.map((e) => e.command)).toContain("remote jobs wait");
    expect(tree.map((e) => e.command)).toContain("remote __host");
  });

  test("a minimal valid line of every leaf passes the check and reaches the command (the refusals below are about the word added)", async () => {
    for (const { command, args } of leaves) {
      const r = await remote([...words(command), ...minimalLine(args)]);
      expect({ command, code: r.code, reached: r.stderr.includes(REACHED) }).toEqual({ command, code: 1, reached: true });
    }
  });

  test.each(rows.map((r) => [r.line.join(" "), r] as const))("remote %s", async (_, row) => {
    const r = await remote(row.line);
    expect(r.stderr).not.toContain(REACHED);
    expect(r.code).toBe(row.code);
    for (const fragment of row.says) expect(r.stderr).toContain(fragment);
    expect(r.stderr).toContain("hint: ");
    expect(r.stdout).toBe("");
  });
});

describe("--help", () => {
  test("every command's own help, under its whole name, without colour when not asked for", async () => {
    for (const { command, hidden } of tree) {
      if (hidden) continue;
      const r = await remote([...words(command), "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`USAGE ${command}`);
      expect(r.stdout).not.toContain("\x1b");
    }
  });
});
