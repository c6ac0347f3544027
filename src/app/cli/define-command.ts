import type { ArgsDef, CommandDef } from "citty";

/**
 * citty's `defineCommand`, which is the identity: imported from citty it would load citty
 * (and node:util) on every start, though the CLI only needs citty to render `--help`.
 */
export const defineCommand = <const T extends ArgsDef = ArgsDef>(def: CommandDef<T>): CommandDef<T> => def;
