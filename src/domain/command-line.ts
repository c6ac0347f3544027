/**
 * Strict command lines: a typo must never run something other than what was asked.
 * Given what one command declares (citty's arg table, read structurally), every token
 * is either one of its flags (with a valid value), one of its positionals, or the name
 * of one of its subcommands; anything else is a usage error that names it, suggests the
 * closest known word and points at that command's own `--help`.
 * The same walk yields the parsed values (what citty's parser would hand the command), so
 * the CLI runs a command without loading citty's parser and node:util on every start.
 */
import { closestMatch } from "./closest.ts";
import { RemoteError } from "./errors.ts";
import { parseNumericFlag, type NumericFlag } from "./numeric-flag.ts";

/** The part of a citty arg definition these rules read, plus `numeric` for numeric flags. */
export type ArgShape = {
  readonly type?: "boolean" | "string" | "enum" | "positional" | undefined;
  readonly alias?: string | readonly string[] | undefined;
  readonly required?: boolean | undefined;
  readonly default?: unknown;
  readonly description?: string | undefined;
  readonly options?: readonly string[] | undefined;
  readonly numeric?: NumericFlag | undefined;
  /** A value flag that may be given more than once: the command gets every value, in order, as an array. */
  readonly multiple?: boolean | undefined;
};

/**
 * A positional whose name starts with `--` (e.g. `"-- ARGS"`) is not a positional: it
 * declares that the command takes arguments after `--` and passes them on unchanged.
 */
export const isPassthroughArg = (name: string, arg: ArgShape) => arg.type === "positional" && name.startsWith("--");

/** Subcommands whose name starts with `_` are internal: accepted, never listed. */
export const isHiddenCommand = (name: string) => name.startsWith("_");

export type CommandLine = {
  /** How a person types it: `remote jobs wait`. */
  readonly command: string;
  readonly args: Readonly<Record<string, ArgShape>>;
  /** Names of its subcommands, when it has any: then the first positional picks one. */
  readonly subcommands?: readonly string[] | undefined;
};

/** The parsed command line, keyed by the declared names: switches are booleans, the rest strings; `_` holds the positionals. */
export type ParsedArgs = { readonly _: readonly string[]; readonly [name: string]: unknown };

export type CommandLineCheck =
  | { readonly ok: true; readonly subcommand: { readonly name: string; readonly rest: readonly string[] } }
  | { readonly ok: true; readonly subcommand?: undefined; readonly args: ParsedArgs }
  | { readonly ok: false; readonly error: RemoteError };

type Flag = { readonly display: string; readonly key: string; readonly arg: ArgShape; readonly takesValue: boolean };

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const aliasesOf = (arg: ArgShape): readonly string[] => (arg.alias === undefined ? [] : typeof arg.alias === "string" ? [arg.alias] : arg.alias);

function flagTable(args: CommandLine["args"]) {
  const long = new Map<string, Flag>();
  const short = new Map<string, Flag>();
  for (const [key, arg] of Object.entries(args)) {
    if (arg.type === "positional") continue;
    const flag: Flag = { display: `--${key}`, key, arg, takesValue: arg.type === "string" || arg.type === "enum" };
    // citty also accepts the camelCase and kebab-case spellings of a name.
    for (const name of [key, kebab(key), camel(key)]) long.set(name, flag);
    for (const alias of aliasesOf(arg)) (alias.length === 1 ? short : long).set(alias, flag);
  }
  return { long, short };
}

const helpHint = (command: string) => `Run \`${command} --help\` for its usage.`;
const usage = (code: string, message: string, hint: string) => ({ ok: false as const, error: new RemoteError(code, message, hint, "usage") });
const positionalLabel = (name: string, arg: ArgShape) => `<${name.toUpperCase()}>${arg.description ? ` (${arg.description})` : ""}`;

/** Checks one command's share of the command line; see the file comment. */
export function checkCommandLine(line: CommandLine, tokens: readonly string[], passthrough: readonly string[] = []): CommandLineCheck {
  const { command, args } = line;
  const { long, short } = flagTable(args);
  const seen = new Set<string>();
  const positionals: string[] = [];
  const values: Record<string, unknown> = {};

  const unknownFlag = (token: string) => {
    const suggestion = closestMatch(token.replace(/^-+/, ""), [...new Set([...long.values()].map((f) => f.key))]);
    return usage("UNKNOWN_FLAG", `Cannot use '${token}' with \`${command}\`: it is not one of its flags`, `${suggestion ? `Did you mean --${suggestion}? ` : ""}${helpHint(command)}`);
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    let flag: Flag | undefined;
    let value: string | undefined;
    if (token.startsWith("--") && token.length > 2) {
      const eq = token.indexOf("=");
      const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
      value = eq < 0 ? undefined : token.slice(eq + 1);
      flag = long.get(name);
      const negated = flag ? undefined : name.startsWith("no-") ? long.get(name.slice(3)) : undefined;
      if (negated && negated.arg.type === "boolean" && value === undefined) {
        seen.add(negated.key);
        values[negated.key] = false;
        continue;
      }
      if (!flag) return unknownFlag(eq < 0 ? token : token.slice(0, eq));
    } else if (token.startsWith("-") && token.length > 1) {
      flag = short.get(token[1] as string);
      const rest = token.slice(2);
      // `-n5` and `-n=5` give a value; `-fx` (grouped booleans) is not supported.
      if (!flag || (rest !== "" && !flag.takesValue)) return unknownFlag(token);
      if (rest !== "") value = rest.startsWith("=") ? rest.slice(1) : rest;
    } else {
      if (line.subcommands && line.subcommands.length > 0) return pickSubcommand(line, token, tokens.slice(i + 1));
      positionals.push(token);
      continue;
    }

    seen.add(flag.key);
    if (flag.takesValue && value === undefined) {
      value = tokens[++i];
      if (value === undefined) return usage("MISSING_VALUE", `Cannot use '${flag.display}' with \`${command}\`: it needs a value`, `e.g. ${flag.display} ${flag.arg.numeric?.example ?? "<value>"}. ${helpHint(command)}`);
    }
    if (value === undefined) {
      values[flag.key] = true;
      continue;
    }
    if (flag.arg.type === "boolean") {
      if (value !== "true" && value !== "false") return usage("INVALID_FLAG", `Cannot use ${flag.display} '${value}': it is a switch (true or false)`, `Give it alone: ${flag.display}. ${helpHint(command)}`);
      values[flag.key] = value === "true";
      continue;
    }
    if (flag.arg.multiple) {
      values[flag.key] = [...((values[flag.key] as string[] | undefined) ?? []), value];
      continue;
    }
    // The last one wins when a value flag is given twice (as citty does).
    values[flag.key] = value;
    const options = flag.arg.options;
    if (flag.arg.type === "enum" && options && options.length > 0 && !options.includes(value)) {
      return usage("INVALID_FLAG", `Cannot use ${flag.display} '${value}': expected one of ${options.join(", ")}`, `${helpHint(command)}`);
    }
    if (flag.arg.numeric) {
      try {
        parseNumericFlag(flag.display, value, flag.arg.numeric);
      } catch (error) {
        return { ok: false, error: error as RemoteError };
      }
    }
  }

  if (line.subcommands && line.subcommands.length > 0) {
    const visible = line.subcommands.filter((n) => !isHiddenCommand(n));
    return usage("MISSING_COMMAND", `Cannot run \`${command}\`: it needs a command (${visible.join(", ")})`, helpHint(command));
  }

  const declared = Object.entries(args).filter(([name, arg]) => arg.type === "positional" && !isPassthroughArg(name, arg));
  const takesPassthrough = Object.entries(args).some(([name, arg]) => isPassthroughArg(name, arg));
  if (positionals.length > declared.length) {
    const stray = positionals[declared.length] as string;
    const takes = declared.length === 0 ? "it takes no arguments" : `it takes ${declared.map(([name, arg]) => (arg.required === false ? `[${name.toUpperCase()}]` : `<${name.toUpperCase()}>`)).join(" ")}`;
    const afterDash = takesPassthrough ? `Arguments for the program go after \`--\`: \`${command} ... -- ${stray}\`. ` : "";
    return usage("UNEXPECTED_ARGUMENT", `Cannot use '${stray}' with \`${command}\`: ${takes}`, `${afterDash}${helpHint(command)}`);
  }
  for (const [j, [name, arg]] of declared.entries()) {
    if (positionals[j] === undefined && arg.required !== false && arg.default === undefined) {
      return usage("MISSING_ARGUMENT", `Cannot run \`${command}\`: missing ${positionalLabel(name, arg)}`, helpHint(command));
    }
  }
  for (const flag of new Set([...long.values()])) {
    if (flag.arg.required === true && flag.arg.default === undefined && !seen.has(flag.key)) {
      return usage("MISSING_ARGUMENT", `Cannot run \`${command}\`: missing ${flag.display}${flag.arg.description ? ` (${flag.arg.description})` : ""}`, helpHint(command));
    }
  }
  if (passthrough.length > 0 && !takesPassthrough) {
    return usage("UNEXPECTED_ARGUMENT", `Cannot use '${passthrough[0]}' after -- with \`${command}\`: it passes no arguments on`, helpHint(command));
  }
  for (const [j, [name, arg]] of declared.entries()) values[name] = positionals[j] ?? arg.default;
  for (const flag of new Set(long.values())) if (values[flag.key] === undefined && flag.arg.default !== undefined) values[flag.key] = flag.arg.default;
  return { ok: true, args: { ...values, _: positionals } };
}

function pickSubcommand(line: CommandLine, name: string, rest: readonly string[]): CommandLineCheck {
  const all = line.subcommands ?? [];
  if (all.includes(name)) return { ok: true, subcommand: { name, rest } };
  const visible = all.filter((n) => !isHiddenCommand(n));
  const suggestion = closestMatch(name, visible);
  return usage(
    "UNKNOWN_COMMAND",
    `Cannot run \`${line.command} ${name}\`: \`${line.command}\` has no command '${name}'`,
    `${suggestion ? `Did you mean \`${line.command} ${suggestion}\`? ` : ""}Commands: ${visible.join(", ")}. ${helpHint(line.command)}`,
  );
}
