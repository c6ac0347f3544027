#!/usr/bin/env bun
/**
 * The entry. Start-up is most of what `remote ls`, `attach` or a Claude hook costs, so nothing
 * is loaded up front: `--version` answers at once, and the CLI and the adapters are imported
 * only now (the compiled bundle keeps dynamically imported modules unevaluated until then).
 */
import pkg from "../package.json" with { type: "json" };
import type { AppDeps } from "./app/deps.ts";

const READERS = new Set(["ls", "send"]);

const args = process.argv.slice(2);
// `remote attach <ref>`: attached by name before the CLI is loaded (app/cli/quick-attach.ts); anything else below.
const attached = args[0] === "attach" ? await (await import("./app/cli/quick-attach.ts")).quickAttach(args, process.env) : undefined;
if (attached !== undefined) {
  process.exitCode = attached;
} else if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  await Bun.write(Bun.stdout, `${pkg.version}\n`);
} else if (args[0] === "__bridge" && args[1] !== undefined) {
  // Inside a container, on every attach's path: no CLI table, no deps (see adapters/socket/bridge.ts).
  const { runBridge } = await import("./adapters/socket/bridge.ts");
  // Exit at once when the session's side ends: a pending read of stdin would keep us (and the exec) alive.
  process.exit(await runBridge(args[1], args[2] === "--wait-ms" ? Number(args[3]) || 0 : 0));
} else if (args[0] === "__signal") {
  // An agent CLI's hook, on every turn of every session: no CLI table, no deps (see app/agent-state/signal-hook.ts).
  const [{ runSignalHook }, { requestOnce }] = await Promise.all([import("./app/agent-state/signal-hook.ts"), import("./adapters/socket/one-request.ts")]);
  process.exit(await runSignalHook(args.slice(1), process.env, { now: () => new Date(), send: requestOnce, warn: (text) => Bun.write(Bun.stderr, text) }));
} else {
  const [{ runCli }, { createRealDeps, createCliIo }] = await Promise.all([import("./app/cli/run-cli.ts"), import("./wiring.ts")]);
  const deps = (overrides?: Readonly<Record<string, string>>) => createRealDeps(overrides ? { ...process.env, ...overrides } : process.env);
  process.exitCode = await runCli(args, pkg.version, readerDeps(args, deps) ?? deps, createCliIo(process.env));
}

/**
 * A command that reads the session records (ls, send) gets its deps now and asks the
 * host server for the records at once (attach asks it to attach by name instead, and for the
 * records only when that does not do: attach-by-name.ts), so the round trip runs while the command line is
 * checked and the command loaded. Anything unusual (help, a config that does not load) and
 * the command builds its deps when it runs, as every other command does.
 */
function readerDeps(args: readonly string[], make: (overrides?: Readonly<Record<string, string>>) => AppDeps) {
  if (!READERS.has(args[0] ?? "") || args.includes("--help") || args.includes("-h")) return undefined;
  let early: AppDeps;
  try {
    early = make();
  } catch {
    return undefined;
  }
  void early.readStoreFromHost?.();
  return (overrides?: Readonly<Record<string, string>>) => (overrides ? make(overrides) : early);
}
