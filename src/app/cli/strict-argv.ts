/**
 * citty parses leniently (an unknown flag is ignored, a stray argument dropped), and
 * loading it (with node:util) costs every start: so walk the command table along argv,
 * check each command's share against what that command declares and parse it
 * (domain/command-line.ts), and hand back the command to run with its args. Only the
 * commands on argv's path are loaded; citty itself only for `--help`.
 */
import type { ArgsDef, CommandDef } from "citty";
import { checkCommandLine, isHiddenCommand, type ArgShape, type ParsedArgs } from "../../domain/command-line.ts";

type AnyCommand = CommandDef<ArgsDef>;
type Resolvable<T> = T | Promise<T> | (() => T | Promise<T>);

const resolve = async <T>(value: Resolvable<T>): Promise<T> => (typeof value === "function" ? await (value as () => T | Promise<T>)() : await value);
const argsOf = async (cmd: AnyCommand) => (await resolve(cmd.args ?? {})) as Readonly<Record<string, ArgShape>>;
const subCommandsOf = async (cmd: AnyCommand) => (cmd.subCommands ? await resolve(cmd.subCommands) : undefined) as Record<string, Resolvable<AnyCommand>> | undefined;

/** `rawArgs` is the command's own share of argv (after its name), as citty hands it over. */
export type CommandToRun = { readonly cmd: AnyCommand; readonly args: ParsedArgs; readonly rawArgs: readonly string[] };

/** The command argv names with its parsed args; throws the usage error (a RemoteError, exit 2) for the first thing on argv that no command declares. */
export async function checkArgv(root: AnyCommand, argv: readonly string[], passthrough: readonly string[]): Promise<CommandToRun> {
  let cmd = root;
  let command = "remote";
  let tokens = argv;
  for (;;) {
    const subCommands = await subCommandsOf(cmd);
    const check = checkCommandLine({ command, args: await argsOf(cmd), subcommands: subCommands ? Object.keys(subCommands) : undefined }, tokens, passthrough);
    if (!check.ok) throw check.error;
    if (!check.subcommand) return { cmd, args: check.args, rawArgs: tokens };
    if (!subCommands) throw new Error(`${command} picked a subcommand it does not have`);
    cmd = await resolve(subCommands[check.subcommand.name] as Resolvable<AnyCommand>);
    command = `${command} ${check.subcommand.name}`;
    tokens = check.subcommand.rest;
  }
}

/** `--help` anywhere: the usage of the deepest command argv names (as far as the names are known). */
export async function usageFor(root: AnyCommand, argv: readonly string[], version: string): Promise<string> {
  let cmd = root;
  let path = "remote";
  let parent: string | undefined;
  for (const token of argv.filter((t) => !t.startsWith("-"))) {
    const subCommands = await subCommandsOf(cmd);
    if (!subCommands || !(token in subCommands)) break;
    parent = path;
    path = `${path} ${token}`;
    cmd = await resolve(subCommands[token] as Resolvable<AnyCommand>);
  }
  // citty names a command after its parent only: give it the whole path instead ("remote jobs wait").
  const { renderUsage } = await import("citty");
  return renderUsage(cmd, parent === undefined ? undefined : { meta: { name: parent, version } });
}

export type CommandEntry = { readonly command: string; readonly def: AnyCommand; readonly args: Readonly<Record<string, ArgShape>>; readonly hidden: boolean };

/** Every command and subcommand in the table (loads them all: for tests and listings, not start-up). */
export async function commandTree(root: AnyCommand, command = "remote", hidden = false): Promise<CommandEntry[]> {
  const subCommands = await subCommandsOf(root);
  const entries: CommandEntry[] = [{ command, def: root, args: await argsOf(root), hidden }];
  for (const [name, sub] of Object.entries(subCommands ?? {})) {
    entries.push(...(await commandTree(await resolve(sub), `${command} ${name}`, hidden || isHiddenCommand(name))));
  }
  return entries;
}
