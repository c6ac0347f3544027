import { runCommand, runMain } from "citty";
import { exitCodeFor, isRemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { normalizeArgv } from "./argv.ts";
import { createCli } from "./index.ts";

const isCittyUsageError = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && error.name === "CLIError";

/**
 * The CLI edge: parse, run one command, and translate errors once: message + hint on
 * stderr, exit 2 for usage, 1 for failures; only unexpected errors show a stack.
 */
export async function runCli(rawArgs: readonly string[], version: string, makeDeps: (envOverrides?: Readonly<Record<string, string>>) => AppDeps): Promise<number> {
  const { argv, passthrough } = normalizeArgv(rawArgs);
  let deps: AppDeps | undefined;
  const lazyDeps = () => (deps ??= makeDeps());
  let exitCode = 0;
  const depsWithEnv = (overrides: Readonly<Record<string, string>>) => (deps = makeDeps(overrides));
  const cli = createCli({ deps: lazyDeps, depsWithEnv, passthrough, version, setExitCode: (code) => (exitCode = code) });

  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    await runMain(cli, { rawArgs: argv.length === 0 ? ["--help"] : argv });
    return 0;
  }
  try {
    await runCommand(cli, { rawArgs: argv });
    return exitCode;
  } catch (error) {
    const say = (text: string) => process.stderr.write(text);
    if (isRemoteError(error)) {
      say(`remote: ${error.message}\n`);
      if (error.hint) say(`hint: ${error.hint}\n`);
      return exitCodeFor(error);
    }
    if (isCittyUsageError(error)) {
      say(`remote: ${error.message.replace(/\x1b\[[0-9;]*m/g, "")}\n`);
      say(`hint: run \`remote ${argv[0] && !argv[0].startsWith("-") ? `${argv[0]} ` : ""}--help\` for usage\n`);
      return 2;
    }
    say(`remote: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    say(`hint: this is a bug; please report it with the command you ran\n`);
    return 1;
  }
}
