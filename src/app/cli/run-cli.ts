import { stripColor } from "../../domain/ansi.ts";
import { exitCodeFor, isRemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { normalizeArgv } from "./argv.ts";
import { createCli } from "./index.ts";
import { checkArgv, usageFor } from "./strict-argv.ts";

/** Where the edge itself writes (usage, errors); commands write through their deps. */
export type CliIo = {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** May `--help` carry colour codes (stdout a terminal, no NO_COLOR)? */
  readonly color: boolean;
};

const processIo: CliIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t), color: false };

/**
 * The CLI edge: check argv strictly, run one command, and translate errors once:
 * message + hint on stderr, exit 2 for usage, 1 for failures; only unexpected errors
 * show a stack.
 */
export async function runCli(rawArgs: readonly string[], version: string, makeDeps: (envOverrides?: Readonly<Record<string, string>>) => AppDeps, io: CliIo = processIo): Promise<number> {
  const { argv, passthrough } = normalizeArgv(rawArgs);
  let deps: AppDeps | undefined;
  const lazyDeps = () => (deps ??= makeDeps());
  let exitCode = 0;
  const depsWithEnv = (overrides: Readonly<Record<string, string>>) => (deps = makeDeps(overrides));
  const cli = createCli({ deps: lazyDeps, depsWithEnv, passthrough, version, setExitCode: (code) => (exitCode = code) });

  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    io.stdout(`${version}\n`);
    return 0;
  }
  try {
    if ((argv.length === 0 && passthrough.length === 0) || argv.includes("--help") || argv.includes("-h")) {
      const usage = await usageFor(cli, argv, version);
      io.stdout(`${io.color ? usage : stripColor(usage)}\n`);
      return 0;
    }
    // Our own parse and run, not citty's runCommand: see strict-argv.ts.
    const { cmd, args, rawArgs: own } = await checkArgv(cli, argv, passthrough);
    await cmd.run?.({ rawArgs: [...own], args: args as Parameters<NonNullable<typeof cmd.run>>[0]["args"], cmd });
    return exitCode;
  } catch (error) {
    if (isRemoteError(error)) {
      io.stderr(`remote: ${error.message}\n`);
      if (error.hint) io.stderr(`hint: ${error.hint}\n`);
      return exitCodeFor(error);
    }
    io.stderr(`remote: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    io.stderr(`hint: this is a bug; please report it with the command you ran\n`);
    return 1;
  }
}
